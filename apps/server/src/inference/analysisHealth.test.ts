import assert from 'node:assert/strict';
import { test } from 'node:test';
import { analysisHealth, nodeSilence, smoothGap, type AnalysisTiming } from './analysisHealth.ts';

const timing: AnalysisTiming = { stallMs: 5_000, startTimeoutMs: 20_000, restartAfterMs: 30_000 };
const started = 1_000_000;

test('a starting analysis waits startTimeoutMs for its first result, then is stalled, then started again', () => {
  assert.deepEqual(analysisHealth(started, undefined, started + 19_999, timing), { verdict: 'ok' });
  // Not stalled after stallMs: a first result takes longer (decoder start, a key frame, the models).
  assert.deepEqual(analysisHealth(started, undefined, started + 6_000, timing), { verdict: 'ok' });
  assert.deepEqual(analysisHealth(started, undefined, started + 20_001, timing), {
    verdict: 'stalled',
    detail: 'no results within 20 s',
  });
  assert.deepEqual(analysisHealth(started, undefined, started + 30_001, timing), {
    verdict: 'restart',
    detail: 'no results for 30 s: starting the analysis again',
  });
});

test('a running analysis is stalled stallMs after its last result, and restarted restartAfterMs after it', () => {
  const last = started + 60_000;
  assert.deepEqual(analysisHealth(started, last, last + 5_000, timing), { verdict: 'ok' });
  assert.deepEqual(analysisHealth(started, last, last + 7_400, timing), { verdict: 'stalled', detail: 'no results for 7 s' });
  assert.deepEqual(analysisHealth(started, last, last + 30_000, timing), { verdict: 'stalled', detail: 'no results for 30 s' });
  assert.equal(analysisHealth(started, last, last + 30_001, timing).verdict, 'restart');
  // Silence is measured from the last result, not from the start: a long-running analysis is fine.
  assert.deepEqual(analysisHealth(started, last, last + 100, timing), { verdict: 'ok' });
});

test('a camera whose results come seconds apart (a busy node) is slow, not stalled: three of its usual gaps', () => {
  const last = started + 60_000;
  // Results every 6 s: stalled only after 18 s without one (where a camera at 5 a second is stalled after 5 s).
  assert.deepEqual(analysisHealth(started, last, last + 7_000, timing, 6_000), { verdict: 'ok' });
  assert.deepEqual(analysisHealth(started, last, last + 17_900, timing, 6_000), { verdict: 'ok' });
  assert.deepEqual(analysisHealth(started, last, last + 18_400, timing, 6_000), { verdict: 'stalled', detail: 'no results for 18 s' });
  assert.deepEqual(analysisHealth(started, last, last + 7_000, timing, 200), { verdict: 'stalled', detail: 'no results for 7 s' });
  // However slow, a camera silent for restartAfterMs is started again.
  assert.equal(analysisHealth(started, last, last + 29_000, timing, 20_000).verdict, 'ok');
  assert.equal(analysisHealth(started, last, last + 30_001, timing, 20_000).verdict, 'restart');
});

test('the usual gap follows a camera that slows down, and one late result moves it only a fifth of the way', () => {
  let gap: number | undefined;
  for (let i = 0; i < 20; i++) gap = smoothGap(gap, 200);
  assert.equal(gap, 200);
  assert.equal(smoothGap(gap, 5_200), 1_200);
  for (let i = 0; i < 20; i++) gap = smoothGap(gap, 6_000);
  assert.ok(gap! > 5_900 && gap! <= 6_000, String(gap));
  assert.equal(smoothGap(undefined, -5), 0, 'a clock step back is no gap');
});

test('timings scale: milliseconds behave as seconds do', () => {
  const fast: AnalysisTiming = { stallMs: 50, startTimeoutMs: 200, restartAfterMs: 300 };
  assert.equal(analysisHealth(0, undefined, 150, fast).verdict, 'ok');
  assert.equal(analysisHealth(0, undefined, 250, fast).verdict, 'stalled');
  assert.equal(analysisHealth(0, 100, 160, fast).verdict, 'stalled');
  assert.equal(analysisHealth(0, 100, 401, fast).verdict, 'restart');
});

test('a node is dropped once silent for longer than the timeout, with how long in the reason', () => {
  assert.equal(nodeSilence(10_000, 15_000, 5_000), null);
  assert.equal(nodeSilence(10_000, 16_600, 5_000), 'silent for 7 s');
  assert.equal(nodeSilence(10_000, 10_000, 0), null);
});

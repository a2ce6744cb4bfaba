import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { FrameResult } from '@maskwatch/protocol/faces';
import { captureToViewerMs, quantile, ResultStats } from './ResultStats.ts';

function result(cameraId: string, ts: number, labels: (string | null)[]): FrameResult {
  return {
    cameraId,
    ts,
    seq: 0,
    width: 640,
    height: 360,
    faces: labels.map((trackLabel, i) => ({
      box: [0, 0, 10, 10],
      label: 'no_mask',
      score: 0.9,
      trackId: i,
      trackLabel: trackLabel as FrameResult['faces'][number]['trackLabel'],
      trackScore: trackLabel === null ? null : 0.8,
    })),
    timings: {},
  };
}

test('quantiles interpolate between neighbours', () => {
  assert.equal(quantile([], 0.5), null);
  assert.equal(quantile([10], 0.95), 10);
  assert.equal(quantile([10, 20, 30, 40], 0.5), 25);
  assert.equal(quantile(Array.from({ length: 101 }, (_, i) => i), 0.95), 95);
});

test('per camera: results per second, latency p50/p95 and the faces of the latest result, per window', () => {
  const stats = new ResultStats({ now: 0, staleMs: 2000 });
  for (let i = 0; i < 50; i++) stats.record(result('a', i * 100, ['mask', null]), 100 + i, i * 100);
  stats.record(result('b', 0, ['no_mask']), 300, 0);
  const window = stats.take(5000);
  const a = window.get('a');
  assert.ok(a);
  assert.equal(a.resultsFps, 10);
  assert.equal(a.latencyP50Ms, 124.5);
  assert.ok(a.latencyP95Ms !== null && a.latencyP95Ms > 145);
  assert.equal(a.faces, 2);
  assert.deepEqual(a.labels, { mask: 1, no_mask: 0, incorrect: 0, undecided: 1 });
  // b's only result is 5 s old: stale, so nothing in view.
  assert.deepEqual({ faces: window.get('b')?.faces, noMask: window.get('b')?.labels.no_mask }, { faces: 0, noMask: 0 });

  // The next window starts empty.
  const next = stats.take(10_000).get('a');
  assert.deepEqual({ fps: next?.resultsFps, p50: next?.latencyP50Ms }, { fps: 0, p50: null });
  stats.forget('a');
  assert.equal(stats.take(15_000).has('a'), false);
});

test('capture to viewer is the server-set emitMs, else the age of the frame', () => {
  const r = result('a', 1000, []);
  assert.equal(captureToViewerMs(r, 1250), 250);
  assert.equal(captureToViewerMs({ ...r, timings: { emitMs: 90 } }, 5000), 90);
});

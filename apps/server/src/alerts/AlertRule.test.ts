import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Face, FrameResult, MaskLabel } from '@maskwatch/protocol/faces';
import { AlertRule, DEFAULT_RULE, type RuleDecision, type RuleSettings } from './AlertRule.ts';

const SETTINGS: RuleSettings = {
  ...DEFAULT_RULE,
  minScore: 0.6,
  cooldownMs: 15_000,
  reminderMs: 10_000,
  maxReminders: 2,
};
const T0 = 1_800_000_000_000;
const FPS = 5;

type Person = { trackId: number; label: MaskLabel | null; score?: number };

function frame(i: number, people: Person[]): FrameResult {
  const faces: Face[] = people.map((p, n) => ({
    box: [100 + n * 200, 50, 180 + n * 200, 150],
    label: p.label ?? 'mask',
    score: 0.9,
    trackId: p.trackId,
    trackLabel: p.label,
    trackScore: p.label === null ? null : (p.score ?? 0.9),
    trackAge: i + 1,
  }));
  return { cameraId: 'cam_a', ts: T0 + (i * 1000) / FPS, seq: i, width: 640, height: 360, faces, timings: {} };
}

/** Feeds `seconds` of frames at 5 fps, `people(i)` per frame; returns every decision. */
function run(rule: AlertRule, seconds: number, people: (i: number) => Person[], from = 0): RuleDecision[] {
  const out: RuleDecision[] = [];
  for (let i = from; i < from + seconds * FPS; i++) out.push(...rule.observe(frame(i, people(i))));
  return out;
}

const kinds = (decisions: RuleDecision[]) => decisions.map((d) => d.kind);

describe('AlertRule', () => {
  test('a person non-compliant for 30 s gives one alert and the configured reminders', () => {
    const rule = new AlertRule(SETTINGS);
    const decisions = run(rule, 30, () => [{ trackId: 1, label: 'no_mask' }]);
    assert.deepEqual(kinds(decisions), ['raise', 'remind', 'remind']);
    const [raise, first, second] = decisions;
    assert.ok(raise?.kind === 'raise');
    // Third observation (0.4 s after the first) confirms it.
    assert.equal(raise.result.ts, T0 + 400);
    assert.equal(raise.firstSeenAt, T0);
    assert.equal(raise.label, 'no_mask');
    assert.equal(raise.confidence, 0.9);
    assert.equal(raise.face.trackId, 1);
    assert.ok(first?.kind === 'remind' && first.at === T0 + 10_400);
    assert.ok(second?.kind === 'remind' && second.at === T0 + 20_400);
  });

  test('a flicker (two voted frames) does not raise; an unsure vote does not either', () => {
    const rule = new AlertRule(SETTINGS);
    const flicker = run(rule, 10, (i) => [{ trackId: 1, label: i % 10 === 3 || i % 10 === 4 ? 'no_mask' : 'mask' }]);
    assert.deepEqual(flicker, []);
    const unsure = run(rule, 10, () => [{ trackId: 2, label: 'incorrect', score: 0.55 }], 50);
    assert.deepEqual(unsure, []);
    const undecided = run(rule, 10, () => [{ trackId: 3, label: null }], 100);
    assert.deepEqual(undecided, []);
  });

  test('putting the mask on resolves the alert with the time; taking it off again reopens it', () => {
    const rule = new AlertRule(SETTINGS);
    const decisions = run(rule, 9, (i) => [{ trackId: 7, label: i < 10 ? 'incorrect' : i < 25 ? 'mask' : 'no_mask' }]);
    assert.deepEqual(kinds(decisions), ['raise', 'resolve', 'reopen']);
    const resolve = decisions[1];
    assert.ok(resolve?.kind === 'resolve' && resolve.at === T0 + 2000);
    const reopen = decisions[2];
    assert.ok(reopen?.kind === 'reopen' && reopen.label === 'no_mask' && reopen.at === T0 + 5400);
    assert.equal(reopen.key, decisions[0]?.key);
  });

  test('per-camera cooldown delays the next person until it has passed', () => {
    const rule = new AlertRule({ ...SETTINGS, reminderMs: 0 });
    const decisions = run(rule, 20, (i) => [
      { trackId: 1, label: 'no_mask' },
      ...(i >= 10 ? [{ trackId: 2, label: 'no_mask' as const }] : []),
    ]);
    const raises = decisions.filter((d) => d.kind === 'raise');
    assert.equal(raises.length, 2);
    assert.ok(raises[1]?.kind === 'raise');
    assert.equal(raises[1].face.trackId, 2);
    // First raise at 0.4 s; the second person is due at 2.4 s but waits for 15.4 s.
    assert.equal(raises[1].result.ts, T0 + 15_400);
    // The other face in the frame is blurred in the snapshot.
    assert.deepEqual(raises[1].blur, [[100, 50, 180, 150]]);
  });

  test('a track that goes ends its open alert; a new track later raises anew', () => {
    const rule = new AlertRule({ ...SETTINGS, cooldownMs: 0 });
    const first = run(rule, 3, () => [{ trackId: 1, label: 'no_mask' }]);
    assert.deepEqual(kinds(first), ['raise']);
    // Nobody for 3 s (frames without faces still arrive), then another person.
    const gap = run(rule, 3, () => [], 15);
    assert.deepEqual(gap, [{ kind: 'end', key: first[0]!.key, at: T0 + 14 * 200 }]);
    assert.equal(rule.trackCount, 0);
    const second = run(rule, 2, () => [{ trackId: 2, label: 'no_mask' }], 30);
    assert.deepEqual(kinds(second), ['raise']);
    assert.notEqual((second[0] as { key: number }).key, first[0]!.key);
  });

  test('at a low frame rate one second of votes is enough (observations or time, whichever first)', () => {
    const rule = new AlertRule(SETTINGS);
    const slow = (i: number): FrameResult => ({ ...frame(0, [{ trackId: 4, label: 'no_mask' }]), ts: T0 + i * 1100 });
    assert.deepEqual(rule.observe(slow(0)), []);
    assert.deepEqual(kinds(rule.observe(slow(1))), ['raise']);
  });

  test('sweep ends tracks of a camera whose results stopped; endAll ends the rest', () => {
    const rule = new AlertRule(SETTINGS);
    run(rule, 1, () => [{ trackId: 1, label: 'no_mask' }]);
    assert.deepEqual(rule.sweep(T0 + 1000), []);
    assert.deepEqual(kinds(rule.sweep(T0 + 5000)), ['end']);
    assert.deepEqual(kinds(run(rule, 1, () => [{ trackId: 2, label: 'no_mask' }], 100)), ['raise']);
    assert.deepEqual(kinds(rule.endAll()), ['end']);
    assert.equal(rule.trackCount, 0);
  });
});

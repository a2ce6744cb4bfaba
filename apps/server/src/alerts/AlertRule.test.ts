import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Box, Face, FrameResult, MaskLabel } from '@maskwatch/protocol/faces';
import { APPEARANCE_LENGTH } from '@maskwatch/vision/track/appearance';
import { AlertRule, DEFAULT_RULE, type RuleDecision, type RuleSettings } from './AlertRule.ts';

const SETTINGS: RuleSettings = {
  ...DEFAULT_RULE,
  minScore: 0.6,
  cooldownMs: 60_000,
  reminderMs: 10_000,
  maxReminders: 2,
};
const T0 = 1_800_000_000_000;
const FPS = 5;

/** Two looks (quantised colour histograms): one bin each, so they share nothing. */
const look = (bin: number): number[] => Array.from({ length: APPEARANCE_LENGTH }, (_, k) => (k % 28 === bin ? 255 : 0));
const RED = look(0);
const WHITE = look(25);

type Person = {
  trackId: number;
  /** The voted label (trackLabel). */
  label: MaskLabel | null;
  /** This frame's own label (default: the voted one, `mask` while undecided). */
  frameLabel?: MaskLabel;
  score?: number;
  /** Left edge of the face (default: 100 + 200 per place in the frame). */
  x?: number;
  side?: number;
  detScore?: number;
  appearance?: number[];
};

function frame(i: number, people: Person[], ts = T0 + (i * 1000) / FPS): FrameResult {
  const faces: Face[] = people.map((p, n) => {
    const x = p.x ?? 100 + n * 200;
    const side = p.side ?? 100;
    return {
      box: [x, 50, x + side * 0.8, 50 + side] as Box,
      label: p.frameLabel ?? p.label ?? 'mask',
      score: 0.9,
      detScore: p.detScore ?? 0.9,
      trackId: p.trackId,
      trackLabel: p.label,
      trackScore: p.label === null ? null : (p.score ?? 0.9),
      trackAge: i + 1,
      ...(p.appearance ? { appearance: p.appearance } : {}),
    };
  });
  return { cameraId: 'cam_a', ts, seq: i, width: 640, height: 360, faces, timings: {} };
}

/** Feeds `seconds` of frames at 5 fps, `people(i)` per frame; returns every decision. */
function run(rule: AlertRule, seconds: number, people: (i: number) => Person[], from = 0): RuleDecision[] {
  const out: RuleDecision[] = [];
  for (let i = from; i < from + seconds * FPS; i++) out.push(...rule.observe(frame(i, people(i))));
  return out;
}

const kinds = (decisions: RuleDecision[]) => decisions.map((d) => d.kind);
const raises = (decisions: RuleDecision[]) =>
  decisions.filter((d): d is Extract<RuleDecision, { kind: 'raise' }> => d.kind === 'raise');

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

  test('only faces big enough and sure enough count: a small or doubtful face never raises, and does not break a run', () => {
    const small = new AlertRule(SETTINGS);
    assert.deepEqual(run(small, 20, () => [{ trackId: 1, label: 'no_mask', side: 24 }]), []);
    const doubtful = new AlertRule(SETTINGS);
    assert.deepEqual(run(doubtful, 20, () => [{ trackId: 1, label: 'no_mask', detScore: 0.62 }]), []);
    // Every other frame too small: the three that count still raise, on the 5th frame.
    const mixed = new AlertRule(SETTINGS);
    const decisions = run(mixed, 2, (i) => [{ trackId: 1, label: 'no_mask', side: i % 2 === 0 ? 100 : 20 }]);
    assert.deepEqual(kinds(decisions), ['raise']);
    assert.equal(raises(decisions)[0]!.result.ts, T0 + 800);
    // The thresholds are settings.
    const lenient = new AlertRule({ ...SETTINGS, minFaceSide: 20, minDetScore: 0.6 });
    assert.deepEqual(kinds(run(lenient, 2, () => [{ trackId: 1, label: 'no_mask', side: 24, detScore: 0.62 }])), ['raise']);
  });

  test('mask on resolves the alert; off again reopens it, said again only when a reminder is due', () => {
    const rule = new AlertRule(SETTINGS);
    // No mask 0-2 s, mask 2-5 s, no mask again from 5 s (a reminder is not due until 10.4 s).
    const decisions = run(rule, 9, (i) => [{ trackId: 7, label: i < 10 ? 'incorrect' : i < 25 ? 'mask' : 'no_mask' }]);
    assert.deepEqual(kinds(decisions), ['raise', 'resolve', 'reopen']);
    const resolve = decisions[1];
    assert.ok(resolve?.kind === 'resolve' && resolve.at === T0 + 2000);
    const reopen = decisions[2];
    assert.ok(reopen?.kind === 'reopen' && reopen.label === 'no_mask' && reopen.at === T0 + 5400);
    assert.equal(reopen.told, false);
    assert.equal(reopen.key, decisions[0]?.key);
    // Mask on again, and off again after the reminder time: told.
    const later = run(rule, 10, (i) => [{ trackId: 7, label: i < 60 ? 'mask' : 'no_mask' }], 45);
    assert.deepEqual(kinds(later), ['resolve', 'reopen']);
    assert.ok(later[1]?.kind === 'reopen' && later[1].told && later[1].at === T0 + 12_400);
  });

  test('two people in the picture get an alert each, at once, each with the other blurred', () => {
    const rule = new AlertRule(SETTINGS);
    const decisions = run(rule, 20, (i) => [
      { trackId: 1, label: 'no_mask', appearance: RED },
      ...(i >= 10 ? [{ trackId: 2, label: 'no_mask' as const, appearance: RED }] : []),
    ]);
    const raised = raises(decisions);
    assert.equal(raised.length, 2);
    assert.equal(raised[1]!.face.trackId, 2);
    // The second person's third observation, 2.4 s in: no waiting behind the first person's alert.
    assert.equal(raised[1]!.result.ts, T0 + 2400);
    assert.deepEqual(raised[1]!.blur, [[100, 50, 180, 150]]);
  });

  test('the same person under a new track id (the tracker lost them) continues their alert: no new one, no end', () => {
    const rule = new AlertRule(SETTINGS);
    // Track ids change every 4 s, as a tracker at a slow frame rate did; the look and place stay.
    const decisions = run(rule, 120, (i) => [
      { trackId: 1 + Math.floor(i / 20), label: 'no_mask', appearance: RED, x: 100 + (i % 7) * 5 },
    ]);
    assert.deepEqual(kinds(decisions), ['raise', 'remind', 'remind']);
    assert.equal(rule.offenderCount, 1);
  });

  test('someone else at the same place gets their own alert; the same person back within the cooldown does not', () => {
    const rule = new AlertRule(SETTINGS);
    const first = run(rule, 4, () => [{ trackId: 1, label: 'no_mask', appearance: RED }]);
    assert.deepEqual(kinds(first), ['raise']);
    // He leaves: 5 s of empty frames end his alert (left) once he has been gone 3 s.
    const gone = run(rule, 5, () => [], 20);
    assert.deepEqual(kinds(gone), ['end']);
    // A woman in white stands where he stood: a new alert.
    const other = run(rule, 4, () => [{ trackId: 2, label: 'no_mask', appearance: WHITE }], 45);
    assert.deepEqual(kinds(other), ['raise']);
    assert.notEqual(raises(other)[0]!.key, raises(first)[0]!.key);
    // She leaves; he comes back 14 s after he left, a little further left: his alert again, reopened (and told, as
    // a reminder: he was last told 18 s ago).
    run(rule, 5, () => [], 65);
    const back = run(rule, 4, () => [{ trackId: 3, label: 'no_mask', appearance: RED, x: 40 }], 90);
    assert.deepEqual(kinds(back), ['reopen']);
    const reopen = back[0]!;
    assert.ok(reopen.kind === 'reopen' && reopen.key === raises(first)[0]!.key && reopen.told);
    // After the cooldown he is forgotten: a new alert.
    run(rule, 70, () => [], 110);
    assert.equal(rule.offenderCount, 0);
    const much = run(rule, 4, () => [{ trackId: 4, label: 'no_mask', appearance: RED }], 500);
    assert.deepEqual(kinds(much), ['raise']);
  });

  test('an analysis restart (track ids from 1 again) keeps the people: the same man is not alerted again', () => {
    const rule = new AlertRule(SETTINGS);
    assert.deepEqual(kinds(run(rule, 5, () => [{ trackId: 3, label: 'no_mask', appearance: RED }])), ['raise']);
    // The new analysis: seq and ids start again; the first result 2 s later.
    const restarted = (i: number): FrameResult => ({
      ...frame(i, [{ trackId: 1, label: 'no_mask', appearance: RED }], T0 + 7000 + i * 200),
      seq: i,
    });
    const after: RuleDecision[] = [];
    for (let i = 0; i < 15; i++) after.push(...rule.observe(restarted(i)));
    assert.deepEqual(after, []);
  });

  test('a camera analysed every 2.5 s: the person is not "gone" between two frames, and still alerted once', () => {
    const rule = new AlertRule(SETTINGS);
    const decisions: RuleDecision[] = [];
    for (let i = 0; i < 48; i++) {
      const ts = T0 + i * 2500;
      decisions.push(...rule.observe(frame(i, [{ trackId: 1, label: 'no_mask', appearance: RED }], ts)));
      // The service sweeps every second between results.
      decisions.push(...rule.sweep(ts + 1000), ...rule.sweep(ts + 2000));
    }
    // Two observations 2.5 s apart confirm it; reminders every 10 s (at most 2).
    assert.deepEqual(kinds(decisions), ['raise', 'remind', 'remind']);
    assert.equal(raises(decisions)[0]!.result.ts, T0 + 2500);
    // Results without him: gone after 3 of its gaps (7.5 s), not after 3 s.
    const lastTs = T0 + 47 * 2500;
    assert.deepEqual(rule.observe(frame(48, [], lastTs + 2500)), []);
    assert.deepEqual(rule.observe(frame(49, [], lastTs + 5000)), []);
    assert.deepEqual(rule.observe(frame(50, [], lastTs + 7500)), []);
    assert.deepEqual(kinds(rule.observe(frame(51, [], lastTs + 10_000))), ['end']);
  });

  test('two faces in one frame are two people, however alike they look', () => {
    const rule = new AlertRule(SETTINGS);
    run(rule, 2, () => [{ trackId: 1, label: 'no_mask', appearance: RED }]);
    // Tracks 1 and 2 both in one frame: two faces, two people, even with the same look.
    const both = run(rule, 2, () => [
      { trackId: 1, label: 'no_mask', appearance: RED },
      { trackId: 2, label: 'no_mask', appearance: RED, x: 400 },
    ], 10);
    assert.deepEqual(kinds(both), ['raise']);
    assert.equal(rule.offenderCount, 2);
  });

  test('a stall is no evidence that anyone left; results stopped for silentMs end the open alerts; endAll the rest', () => {
    const rule = new AlertRule(SETTINGS);
    run(rule, 1, () => [{ trackId: 1, label: 'no_mask' }]);
    // No results for 20 s (a stalled decoder, a starved node): he is still there as far as anyone knows.
    assert.deepEqual(rule.sweep(T0 + 1000), []);
    assert.deepEqual(rule.sweep(T0 + 20_000), []);
    // Results again, with him: the same alert (reminded: 20 s have passed), no new one, no end.
    assert.deepEqual(kinds(run(rule, 1, () => [{ trackId: 1, label: 'no_mask' }], 100)), ['remind']);
    // Then 31 s without results: the camera's analysis stopped, its people are taken as gone.
    assert.deepEqual(rule.sweep(T0 + 50_000), []);
    assert.deepEqual(kinds(rule.sweep(T0 + 52_000)), ['end']);
    assert.deepEqual(kinds(run(rule, 1, () => [{ trackId: 2, label: 'no_mask', x: 400 }], 300)), ['raise']);
    assert.deepEqual(kinds(rule.endAll()), ['end']);
    assert.equal(rule.trackCount, 0);
  });

  test('the vote decides on its third frame: when those frames agree the alert comes then, not two voted frames later', () => {
    // What the tracker sends: its vote is undecided for two observations, then no_mask.
    const voted = (i: number): Person[] => [{ trackId: 1, label: i < 2 ? null : 'no_mask', frameLabel: 'no_mask' }];
    const decisions = run(new AlertRule(SETTINGS), 2, voted);
    assert.deepEqual(kinds(decisions), ['raise']);
    assert.equal(raises(decisions)[0]!.result.ts, T0 + 400, 'raised on the third frame');
    assert.equal(raises(decisions)[0]!.firstSeenAt, T0, 'from the first frame that said so');
    // A frame labelled mask in between breaks the frames' run: the voted run alone decides (three voted frames).
    const broken = (i: number): Person[] => [{ trackId: 1, label: i < 2 ? null : 'no_mask', frameLabel: i === 1 ? 'mask' : 'no_mask' }];
    assert.equal(raises(run(new AlertRule(SETTINGS), 2, broken))[0]!.result.ts, T0 + 800, 'raised on the fifth frame');
    // Frames that never agree in a row, under a vote that says no_mask all along: the voted run still raises.
    const flicker = (i: number): Person[] => [{ trackId: 1, label: 'no_mask', frameLabel: i % 2 === 0 ? 'no_mask' : 'mask' }];
    assert.equal(raises(run(new AlertRule(SETTINGS), 2, flicker))[0]!.result.ts, T0 + 400);
    // Frames that agree under an undecided or unsure vote raise nothing.
    assert.deepEqual(run(new AlertRule(SETTINGS), 10, () => [{ trackId: 1, label: null, frameLabel: 'no_mask' }]), []);
    assert.deepEqual(run(new AlertRule(SETTINGS), 10, () => [{ trackId: 1, label: 'no_mask', score: 0.5, frameLabel: 'no_mask' }]), []);
  });

  test("a new track's frames before the tracker gives it an id count by its key: the alert comes on the third frame", () => {
    // What the real tracker sends: a tentative track has its key (trackKey) but no id for its first two frames.
    const tentative = (i: number): FrameResult => {
      const result = frame(i, [{ trackId: 1, label: i < 2 ? null : 'no_mask', frameLabel: 'no_mask' }]);
      const face = { ...result.faces[0]!, trackKey: 7 };
      if (i < 2) delete face.trackId;
      return { ...result, faces: [face] };
    };
    const rule = new AlertRule(SETTINGS);
    const decisions = [0, 1, 2, 3, 4].flatMap((i) => rule.observe(tentative(i)));
    assert.deepEqual(kinds(decisions), ['raise']);
    assert.equal(raises(decisions)[0]!.result.ts, T0 + 400, 'raised on the third frame, the first with an id');
    assert.equal(raises(decisions)[0]!.face.trackId, 1);
    assert.equal(raises(decisions)[0]!.firstSeenAt, T0, 'from the first, tentative, frame');
    // A track that ends by its key is forgotten: the same key later starts again from nothing.
    const ended = rule.observe({ ...frame(5, []), endedTracks: [{ trackId: 1, trackKey: 7, label: 'no_mask', lastSeen: T0 + 800 }] });
    assert.deepEqual(kinds(ended), []);
    assert.equal(rule.trackCount, 0);
  });

  test('at a low frame rate two observations a second apart are enough', () => {
    const rule = new AlertRule(SETTINGS);
    const slow = (i: number): FrameResult => ({ ...frame(0, [{ trackId: 4, label: 'no_mask' }]), seq: i, ts: T0 + i * 1100 });
    assert.deepEqual(rule.observe(slow(0)), []);
    assert.deepEqual(kinds(rule.observe(slow(1))), ['raise']);
  });
});

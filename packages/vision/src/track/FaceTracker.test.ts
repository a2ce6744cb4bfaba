import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { FaceSchema, MASK_LABELS, type Box } from '@maskwatch/protocol/faces';

import { VisionError } from '../VisionError.ts';
import { APPEARANCE_LENGTH } from './appearance.ts';
import { bufferedIou } from './associate.ts';
import { FaceTracker, type FaceTrackerUpdate, type TrackDetection } from './FaceTracker.ts';

const FRAME_MS = 200; // 5 analysed frames per second
const MASK = [0.9, 0.06, 0.04];
const NO_MASK = [0.1, 0.8, 0.1];

/** A detection of a size x size face at (x, y), with its own marker to follow it through the tracker. */
type Det = TrackDetection & { who: string };
type Ids = Array<number | null | '-'>;
const face = (who: string, x: number, y: number, size: number, p: number[] = MASK, detScore: number = 0.9): Det => {
  let best = 0;
  for (let i = 1; i < p.length; i++) if (p[i]! > p[best]!) best = i;
  return {
    who,
    box: [x, y, x + size, y + size],
    detScore,
    label: MASK_LABELS[best]!,
    score: p[best]!,
    probabilities: p,
  };
};

/** Feeds frames 200 ms apart from t = 1000; returns each frame's update. */
const run = (tracker: FaceTracker, frames: Det[][], t0: number = 1000): Array<FaceTrackerUpdate<Det>> =>
  frames.map((dets, i) => tracker.update(dets, t0 + i * FRAME_MS));

/** who → the track ids its detections got, frame by frame (null: no id yet, '-': not in that frame). */
const idsOf = (updates: Array<FaceTrackerUpdate<Det>>, who: string): Ids =>
  updates.map((u) => {
    const f = u.faces.find((x) => x.who === who);
    return f === undefined ? '-' : (f.trackId ?? null);
  });

describe('FaceTracker', () => {
  it('keeps stable ids, numbered from 1, for faces moving at different speeds; output in input order', () => {
    const tracker = new FaceTracker();
    const frames = Array.from({ length: 30 }, (_, i) => {
      const dets = [
        face('still', 500, 300, 60),
        face('slow', 50 + 8 * i, 100, 50),
        // A walker crossing the frame: 40 px per analysed frame, most of its own width.
        face('walker', 40 * i, 420, 48, NO_MASK),
      ];
      // The detector gives faces in any order (best score first): shuffle it.
      return i % 2 === 0 ? dets : dets.reverse();
    });
    const updates = run(tracker, frames);
    updates.forEach((u, i) =>
      assert.deepEqual(
        u.faces.map((f) => f.who),
        frames[i]!.map((d) => d.who),
      ),
    );
    for (const who of ['still', 'slow', 'walker']) {
      const ids = idsOf(updates, who);
      assert.deepEqual(ids.slice(0, 2), [null, null], `${who}: no id before 3 observations`);
      assert.ok(
        ids.slice(2).every((id) => id === ids[2]),
        `${who}: ${ids.join(',')}`,
      );
    }
    assert.deepEqual(['still', 'slow', 'walker'].map((who) => idsOf(updates, who)[2]).sort(), [1, 2, 3]);
    const last = updates.at(-1)!.faces;
    for (const f of last) FaceSchema.parse(f);
    assert.equal(last.find((f) => f.who === 'walker')!.trackLabel, 'no_mask');
    assert.equal(last.find((f) => f.who === 'still')!.trackLabel, 'mask');
    assert.equal(last.find((f) => f.who === 'still')!.trackAge, 30);
    assert.ok(updates.every((u) => u.ended.length === 0));
  });

  it('follows a face that moves more than its own width between analysed frames (no overlap from frame to frame)', () => {
    const tracker = new FaceTracker();
    // 55 px per frame for a 50 px face: consecutive boxes never overlap, plain IoU matching would lose it every time.
    const frames = Array.from({ length: 12 }, (_, i) => [face('runner', 20 + 55 * i, 200 + 6 * i, 50)]);
    assert.equal(bufferedIou(frames[0]![0]!.box, frames[1]![0]!.box), 0);
    const ids = idsOf(run(tracker, frames), 'runner');
    assert.deepEqual(ids, [null, null, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1]);
    assert.equal(tracker.trackCount, 1);
  });

  it('keeps ids apart when two faces cross paths, seen throughout or hidden at the crossing', () => {
    const cross = (hideB: (i: number) => boolean): [Ids, Ids] => {
      const tracker = new FaceTracker();
      const frames = Array.from({ length: 20 }, (_, i) => {
        const dets = [face('A', 100 + 30 * i, 200, 60)];
        if (!hideB(i)) dets.push(face('B', 670 - 30 * i, 212, 60, NO_MASK));
        return dets;
      });
      const updates = run(tracker, frames);
      // They meet around frame 9-10 (x 370 and 400).
      return [idsOf(updates, 'A'), idsOf(updates, 'B')];
    };
    const expectFollowed = ([a, b]: [Ids, Ids], label: string): void => {
      const idA = a[2];
      const idB = b.find((id) => typeof id === 'number');
      assert.ok(typeof idA === 'number' && typeof idB === 'number' && idA !== idB, `${label}: ${idA} ${idB}`);
      assert.ok(
        a.slice(2).every((id) => id === idA),
        `${label}: A ${a.join(',')}`,
      );
      assert.ok(
        b.slice(2).every((id) => id === idB || id === '-'),
        `${label}: B ${b.join(',')}`,
      );
    };
    expectFollowed(
      cross(() => false),
      'both seen',
    );
    // B is behind A for two frames at the crossing, and comes out the other side.
    const hidden = cross((i) => i === 9 || i === 10);
    expectFollowed(hidden, 'B hidden');
    assert.equal(hidden[1][11], hidden[1][8], 'B keeps its id after the occlusion');
  });

  it('keeps the id of a face missing for a few frames, still or moving', () => {
    const tracker = new FaceTracker();
    const gap = new Set([6, 7, 8, 9]); // 800 ms unseen, under maxLostMs
    const frames = Array.from({ length: 16 }, (_, i) =>
      gap.has(i) ? [] : [face('still', 300, 300, 80), face('mover', 20 * i, 50, 60)],
    );
    const updates = run(tracker, frames);
    assert.deepEqual(
      idsOf(updates, 'still').filter((id) => id !== '-'),
      [null, null, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1],
    );
    assert.deepEqual(
      idsOf(updates, 'mover').filter((id) => id !== '-'),
      [null, null, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2],
    );
    assert.ok(updates.every((u) => u.ended.length === 0));
  });

  it('ends a face gone longer than maxLostMs, reports it once, and gives the face that comes back a new id', () => {
    const tracker = new FaceTracker({ maxLostMs: 1000, maxLostFrames: 1 });
    const seen = (t: number) => tracker.update([face('p', 300, 300, 80, NO_MASK)], t);
    for (let t = 0; t <= 1000; t += FRAME_MS) assert.equal(seen(t).ended.length, 0);
    assert.equal(seen(1200).faces[0]!.trackId, 1);
    // Gone: nothing ends at 1000 ms of absence, the track ends at the first update past it.
    assert.deepEqual(tracker.update([], 2200).ended, []);
    const { ended } = tracker.update([], 2400);
    assert.deepEqual(ended, [
      {
        trackId: 1,
        trackKey: 1,
        label: 'no_mask',
        score: ended[0]!.score,
        age: 7,
        firstSeenMs: 0,
        lastSeenMs: 1200,
        lastBox: [300, 300, 380, 380],
        reason: 'lost',
      },
    ]);
    assert.ok(ended[0]!.score! > 0.8);
    assert.deepEqual(tracker.update([], 2600).ended, [], 'reported once');
    // Back at the same place: a new person as far as the tracker knows.
    const back = [2800, 3000, 3200].map((t) => seen(t).faces[0]!);
    assert.deepEqual(
      back.map((f) => f.trackId ?? null),
      [null, null, 2],
    );
    // Its key is there from its first frame on, and the same once it has its id (the alert rule counts by it).
    assert.deepEqual(
      back.map((f) => f.trackKey),
      [2, 2, 2],
    );
    assert.deepEqual(
      back.map((f) => f.trackAge),
      [1, 2, 3],
    );
  });

  it('continues tracks with low-score detections but starts none from them (ByteTrack)', () => {
    const tracker = new FaceTracker();
    const frames = Array.from({ length: 10 }, (_, i) => [
      // Turns away at frame 5: the detector is less sure.
      face('turning', 100 + 5 * i, 100, 60, MASK, i < 5 ? 0.9 : 0.4),
      face('faint', 600, 300, 40, MASK, 0.45),
      face('noise', 10, 10, 20, MASK, 0.2),
    ]);
    const updates = run(tracker, frames);
    assert.deepEqual(idsOf(updates, 'turning'), [null, null, 1, 1, 1, 1, 1, 1, 1, 1]);
    assert.ok(idsOf(updates, 'faint').every((id) => id === null));
    assert.deepEqual(
      updates.at(-1)!.faces.find((f) => f.who === 'noise'),
      {
        ...frames[9]![2]!,
        trackLabel: null,
        trackScore: null,
        trackAge: 0,
      },
    );
  });

  it('gives no id to a one-frame false positive, so ids are not used up by noise', () => {
    const tracker = new FaceTracker();
    const frames = Array.from({ length: 8 }, (_, i) => {
      const dets = [face('real', 200, 200, 60)];
      if (i === 1 || i === 3) dets.push(face(`blip${i}`, 500, 50 + 100 * i, 30, MASK, 0.7));
      return dets;
    });
    run(tracker, frames);
    assert.equal(tracker.trackCount, 1);
    const next = tracker.update([face('new', 700, 400, 60)], 3000);
    assert.equal(next.faces[0]!.trackId, undefined);
    tracker.update([face('new', 700, 400, 60)], 3200);
    assert.equal(tracker.update([face('new', 700, 400, 60)], 3400).faces[0]!.trackId, 2);
  });

  it('votes the track label: undecided before 3 observations, not flipped by one odd frame', () => {
    const tracker = new FaceTracker();
    const probs = [NO_MASK, NO_MASK, NO_MASK, NO_MASK, MASK, NO_MASK, NO_MASK];
    const faces = run(
      tracker,
      probs.map((p) => [face('p', 300, 300, 80, p)]),
    ).map((u) => u.faces[0]!);
    assert.deepEqual(
      faces.map((f) => [f.label, f.trackLabel]),
      [
        ['no_mask', null],
        ['no_mask', null],
        ['no_mask', 'no_mask'],
        ['no_mask', 'no_mask'],
        ['mask', 'no_mask'],
        ['no_mask', 'no_mask'],
        ['no_mask', 'no_mask'],
      ],
    );
    assert.ok(faces[4]!.trackScore! < faces[3]!.trackScore!, 'the odd frame lowers the confidence');
  });

  it('endAll() ends every confirmed track once; ids keep counting', () => {
    const tracker = new FaceTracker();
    run(
      tracker,
      Array.from({ length: 3 }, () => [face('a', 0, 0, 50), face('b', 200, 0, 50)]),
    );
    tracker.update([face('c', 400, 0, 50)], 2000); // a tentative track: not reported
    const ended = tracker.endAll();
    assert.deepEqual(ended.map((e) => [e.trackId, e.reason, e.label]).sort(), [
      [1, 'flushed', 'mask'],
      [2, 'flushed', 'mask'],
    ]);
    assert.deepEqual(tracker.endAll(), []);
    assert.equal(tracker.trackCount, 0);
    const again = run(
      tracker,
      Array.from({ length: 3 }, () => [face('a', 0, 0, 50)]),
      5000,
    );
    assert.equal(again.at(-1)!.faces[0]!.trackId, 3);
  });

  it('keeps ids at one frame a second or slower: ids after two frames, gaps of several seconds, faces that moved', () => {
    for (const gapMs of [1000, 2000, 2500]) {
      const tracker = new FaceTracker();
      // Two people, one swaying by up to half a face width between frames, one walking 40 px (half a face) a frame.
      const updates = Array.from({ length: 20 }, (_, i) =>
        tracker.update(
          i === 7 || i === 8 ? [face('walker', 40 + 40 * i, 300, 80)] : [face('sway', 300 + (i % 2) * 40, 50, 80), face('walker', 40 + 40 * i, 300, 80)],
          i * gapMs,
        ),
      );
      assert.deepEqual(idsOf(updates, 'sway').slice(0, 7), [null, 1, 1, 1, 1, 1, 1], `${gapMs} ms`);
      // Missed in two frames (up to 5 s): the same id after.
      assert.deepEqual(idsOf(updates, 'sway').slice(9), Array(11).fill(1), `${gapMs} ms`);
      assert.deepEqual(idsOf(updates, 'walker').slice(1), Array(19).fill(2), `${gapMs} ms`);
      assert.ok(updates.every((u) => u.ended.length === 0));
    }
  });

  it('keeps the id of a face that jumped once and stopped, though its prediction shot past (a looped clip, a person sitting down)', () => {
    // Seen on a looped RTSP clip at irregular gaps: the face steps down and shrinks by a quarter in 300 ms, then
    // stays put; the filter's velocity predicts it 190 px further and half as wide 700 ms later.
    const tracker = new FaceTracker();
    const steps: Array<[number, Box]> = [
      [0, [450, 20, 800, 510]],
      [400, [447, 18, 800, 515]],
      [1000, [446, 15, 800, 523]],
      [1700, [437, 17, 802, 493]],
      [2250, [452, 2, 807, 479]],
      [2600, [458, 2, 808, 475]],
      [2900, [504, 78, 771, 469]],
      [3600, [511, 74, 804, 481]],
      [4500, [512, 70, 806, 485]],
    ];
    const ids = steps.map(([ts, box]) => {
      const det: Det = { ...face('person', 0, 0, 1, NO_MASK), box };
      return tracker.update([det], ts).faces[0]!.trackId ?? null;
    });
    assert.deepEqual(ids, [null, null, 1, 1, 1, 1, 1, 1, 1]);
    assert.equal(tracker.trackCount, 1);
  });

  it('re-associates a face out of sight for a few seconds by its look, not a look-alike place', () => {
    const red = Array.from({ length: APPEARANCE_LENGTH }, (_, k) => (k % 28 === 0 ? 255 : 0));
    const white = Array.from({ length: APPEARANCE_LENGTH }, (_, k) => (k % 28 === 25 ? 255 : 0));
    const looking = (who: string, x: number, appearance: number[]): Det => ({ ...face(who, x, 200, 80), appearance });
    const tracker = new FaceTracker();
    const seen = (dets: Det[], i: number) => tracker.update(dets, i * FRAME_MS);
    for (let i = 0; i < 5; i++) seen([looking('man', 200, red)], i);
    // 2.4 s out of sight (turned away, hidden), back 1.5 face widths to the right: the same man.
    for (let i = 5; i < 17; i++) seen([], i);
    const back = seen([looking('man', 320, red)], 17);
    assert.equal(back.faces[0]!.trackId, 1);
    assert.deepEqual(back.faces[0]!.trackAppearance, red);
    // Gone again; someone in white stands where he stood 2 s later: a new person (no id yet), and the man's
    // track ends when its time is up.
    for (let i = 18; i < 28; i++) seen([], i);
    const other = [28, 29, 30].map((i) => seen([looking('woman', 320, white)], i));
    assert.deepEqual(
      other.map((u) => u.faces[0]!.trackId ?? null),
      [null, null, 2],
    );
    // 12 s later, the next frame: the man's track ends (unseen for long, in many frames); hers does not yet (a long
    // time without frames is no evidence that she left).
    assert.deepEqual(
      tracker.update([], 93 * FRAME_MS).ended.map((e) => e.trackId),
      [1],
    );
  });

  it('validates its options with zod (defaults documented, unknown or bad values refused)', () => {
    assert.deepEqual(new FaceTracker().options, {
      highScore: 0.6,
      lowScore: 0.3,
      matchIou: 0.2,
      lowMatchIou: 0.5,
      matchBuffer: 0.5,
      minHits: 3,
      confirmAfterMs: 500,
      maxLostMs: 3000,
      maxLostFrames: 3,
      bufferPerSecond: 0.75,
      maxBuffer: 2.5,
      minSimilarity: 0.6,
      lookAfterMs: 1000,
      predictMs: 1000,
      voteWindow: 10,
      minVotes: 3,
      minConsensus: 0.6,
      maskThreshold: 0.5,
      incorrectRatio: 1,
    });
    const refused = (options: object, pattern: RegExp): void => {
      assert.throws(
        () => new FaceTracker(options),
        (e: unknown) => e instanceof VisionError && e.code === 'INVALID_ARGUMENT' && pattern.test(e.message),
      );
    };
    refused({ maxLostMs: -1 }, /maxLostMs/);
    refused({ maskThreshold: 1.5 }, /maskThreshold/);
    refused({ incorrectRatio: 0 }, /incorrectRatio/);
    refused({ lowScore: 0.8, highScore: 0.5 }, /lowScore must not exceed highScore/);
    refused({ minVotes: 20 }, /minVotes must not exceed voteWindow/);
    refused({ maxLost: 1000 }, /maxLost/);
  });

  it('refuses a malformed detection or time, and treats time going back as no time passing', () => {
    const tracker = new FaceTracker();
    const bad = (dets: unknown[], ts: number = 0): void => {
      assert.throws(
        () => tracker.update(dets as TrackDetection[], ts),
        (e: unknown) => e instanceof VisionError && e.code === 'INVALID_ARGUMENT',
      );
    };
    bad([{ ...face('x', 0, 0, 10), probabilities: [1, 0] }]);
    bad([{ ...face('x', 0, 0, 10), box: [0, 0, NaN, 10] as Box }]);
    bad([], Number.NaN);
    assert.equal(tracker.trackCount, 0, 'a refused update changes nothing');
    run(
      tracker,
      Array.from({ length: 3 }, () => [face('a', 0, 0, 50)]),
    );
    const back = tracker.update([face('a', 0, 0, 50)], 500);
    assert.equal(back.faces[0]!.trackId, 1);
    assert.equal(back.faces[0]!.trackAge, 4);
  });
});

// The tracker on real detections: the repository's models (YuNet + the manifest's default classifier) on frames of
// the shared clips at the analysed rate of a live camera (5 fps).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { FaceSchema, type MaskLabel } from '@maskwatch/protocol/faces';

import { decodeImage } from '../image/decodeImage.ts';
import { FacePipeline } from '../pipeline/FacePipeline.ts';
import { extractFrames } from '../testing/videoFrames.ts';
import { FaceTracker, type FaceTrackerUpdate, type TrackDetection } from './FaceTracker.ts';

const FPS = 5;
const FRAMES = 15; // 3 s of video

describe('FaceTracker on real detections (FacePipeline on the shared clips at 5 fps)', () => {
  let pipeline: FacePipeline;
  before(async () => {
    // The live node runs the detector low and lets the tracker split high and low scores (ByteTrack).
    pipeline = await FacePipeline.create({ session: { intraOpThreads: 1 }, detectorOptions: { scoreThreshold: 0.3 } });
  });
  after(() => pipeline.close());

  const track = async (video: string): Promise<{ updates: FaceTrackerUpdate[]; tracker: FaceTracker }> => {
    const tracker = new FaceTracker();
    const updates: FaceTrackerUpdate[] = [];
    const paths = extractFrames(video, FRAMES, FPS);
    for (const [i, path] of paths.entries()) {
      const { faces, probabilities } = await pipeline.analyze(await decodeImage(path));
      assert.equal(probabilities.length, faces.length);
      const detections: TrackDetection[] = faces.map((f, k) => {
        const p = probabilities[k]!;
        assert.equal(p.length, 3);
        assert.ok(Math.abs(p.reduce((a, b) => a + b, 0) - 1) < 1e-4, `probabilities ${p.join(', ')} sum to 1`);
        return { box: f.box, detScore: f.detScore ?? 1, label: f.label, score: f.score, probabilities: p };
      });
      updates.push(tracker.update(detections, 1_700_000_000_000 + (i * 1000) / FPS));
    }
    return { updates, tracker };
  };

  const expectOnePerson = (updates: FaceTrackerUpdate[], tracker: FaceTracker, label: MaskLabel): void => {
    for (const [i, u] of updates.entries()) {
      assert.deepEqual(u.ended, []);
      for (const f of u.faces) FaceSchema.parse(f);
      // The person, plus at times a faint low-score detection (a corner of the background) that never gets a track.
      const [person, ...others] = u.faces.filter((f) => f.detScore >= tracker.options.highScore);
      assert.ok(person !== undefined && others.length === 0, `frame ${i}: one confident face`);
      for (const f of u.faces) if (f !== person) assert.equal(f.trackId, undefined, `frame ${i}: faint face untracked`);
      if (i >= 2) {
        assert.equal(person.trackId, 1, `frame ${i}: the same track from the 3rd frame on`);
        assert.equal(person.trackLabel, label, `frame ${i}: voted ${person.trackLabel}`);
        assert.ok(person.trackScore! > 0.5, `frame ${i}: confidence ${person.trackScore}`);
        assert.equal(person.trackAge, i + 1);
      } else {
        assert.equal(person.trackId, undefined, `frame ${i}: no id yet`);
      }
    }
    assert.equal(tracker.trackCount, 1);
    assert.deepEqual(
      tracker.endAll().map((e) => [e.trackId, e.label, e.age]),
      [[1, label, FRAMES]],
    );
  };

  it('Gituatu_nomask: one stable track, voted no_mask', async () => {
    const { updates, tracker } = await track('Gituatu_nomask.mp4');
    expectOnePerson(updates, tracker, 'no_mask');
  });

  it('Gituatu_mask: one stable track, voted mask', async () => {
    const { updates, tracker } = await track('Gituatu_mask.mp4');
    expectOnePerson(updates, tracker, 'mask');
  });

  it('diazoniclabs_mask: four people and a painted face keep their ids while the people put masks on', async () => {
    const { updates, tracker } = await track('diazoniclabs_mask.mp4');
    const confident = (u: FaceTrackerUpdate) => u.faces.filter((f) => f.detScore >= tracker.options.highScore);
    for (const [i, u] of updates.entries()) {
      assert.equal(confident(u).length, 5, `frame ${i}: 4 people + the painting`);
      for (const f of u.faces) if (f.detScore < tracker.options.highScore) assert.equal(f.trackId, undefined);
    }
    // Who is who: the nearest track at the last frame to each face of the 3rd frame, by centre.
    const centre = (f: { box: readonly number[] }): [number, number] => [
      (f.box[0]! + f.box[2]!) / 2,
      (f.box[1]! + f.box[3]!) / 2,
    ];
    const ids = confident(updates[2]!).map((f) => f.trackId);
    assert.deepEqual([...ids].sort(), [1, 2, 3, 4, 5]);
    for (let i = 3; i < FRAMES; i++) {
      for (const f of confident(updates[i]!)) {
        const [x, y] = centre(f);
        // The closest face of the previous frame is the same person (nobody walks far in 200 ms here).
        const prev = confident(updates[i - 1]!).sort(
          (a, b) => Math.hypot(centre(a)[0] - x, centre(a)[1] - y) - Math.hypot(centre(b)[0] - x, centre(b)[1] - y),
        )[0]!;
        assert.equal(f.trackId, prev.trackId, `frame ${i}: face at ${Math.round(x)},${Math.round(y)} changed id`);
      }
    }
    // Before: the four people voted no_mask, the painting mask; 3 s later every face votes mask.
    const votes = (u: FaceTrackerUpdate) =>
      confident(u)
        .map((f) => f.trackLabel)
        .sort();
    assert.deepEqual(votes(updates[4]!), ['mask', 'no_mask', 'no_mask', 'no_mask', 'no_mask']);
    assert.deepEqual(votes(updates[FRAMES - 1]!), ['mask', 'mask', 'mask', 'mask', 'mask']);
    assert.equal(tracker.endAll().length, 5);
  });
});

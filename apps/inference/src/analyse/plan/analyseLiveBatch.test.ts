import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { iou } from '@maskwatch/vision/detect/nms';
import { decodeImage } from '@maskwatch/vision/image/decodeImage';
import type { RgbFrame } from '@maskwatch/vision/image/RgbFrame';
import { FacePipeline } from '@maskwatch/vision/pipeline/FacePipeline';
import { extractFrames } from '@maskwatch/vision/testing/videoFrames';
import { analyseLiveBatch } from './analyseLiveBatch.ts';
import { CameraPlanner } from './CameraPlanner.ts';

let pipeline: FacePipeline;
let face: RgbFrame;
let empty: RgbFrame;
before(async () => {
  // The manifest's real detector and classifier (weak detections, which only continue tracks, left out).
  pipeline = await FacePipeline.create({ detectorOptions: { scoreThreshold: 0.5 }, session: { intraOpThreads: 1 } });
  // The clip's close-up, a third of its size, in a corner of a 1280x720 picture: a face worth a region, not the frame.
  const close = await decodeImage(extractFrames('Gituatu_nomask.mp4', 1)[0]!);
  face = { width: 1280, height: 720, data: new Uint8Array(1280 * 720 * 3).fill(90) };
  for (let y = 0; y < Math.floor(close.height / 3); y++) {
    for (let x = 0; x < Math.floor(close.width / 3); x++) {
      const from = (y * 3 * close.width + x * 3) * 3;
      face.data.set(close.data.subarray(from, from + 3), ((y + 300) * 1280 + x + 700) * 3);
    }
  }
  empty = { width: face.width, height: face.height, data: new Uint8Array(face.data.length).fill(90) };
});
after(() => pipeline.close());

test('a full pass finds the face; the next frames look only around it and find the same box, reusing its classification', async () => {
  const planner = new CameraPlanner({ fullFrameMs: 60_000, reclassifyEvery: 3, confidentScore: 0 });
  const [first] = await analyseLiveBatch(pipeline, [{ planner, frame: face, at: 0 }]);
  assert.equal(first!.mode, 'full');
  assert.equal(first!.faces.length, 1);
  assert.deepEqual([first!.classified, first!.reused], [1, 0]);
  const [second] = await analyseLiveBatch(pipeline, [{ planner, frame: face, at: 200 }]);
  assert.equal(second!.mode, 'region');
  assert.equal(second!.regions, 1);
  assert.equal(second!.faces.length, 1);
  assert.ok(iou(second!.faces[0]!.box, first!.faces[0]!.box) > 0.9, 'the region pass boxes the face as the full pass did');
  assert.deepEqual([second!.classified, second!.reused], [0, 1]);
  assert.deepEqual(second!.faces[0]!.probabilities, first!.faces[0]!.probabilities);
  await analyseLiveBatch(pipeline, [{ planner, frame: face, at: 400 }]);
  const [fourth] = await analyseLiveBatch(pipeline, [{ planner, frame: face, at: 600 }]);
  assert.deepEqual([fourth!.classified, fourth!.reused], [1, 0], 'classified again every third frame');
});

test('cameras of one batch keep their own plans; a still, empty picture is skipped', async () => {
  const a = new CameraPlanner({ fullFrameMs: 60_000 });
  const b = new CameraPlanner({ fullFrameMs: 60_000 });
  const one = await analyseLiveBatch(pipeline, [
    { planner: a, frame: face, at: 0 },
    { planner: b, frame: empty, at: 0 },
  ]);
  assert.deepEqual(one.map((r) => [r.mode, r.faces.length]), [['full', 1], ['full', 0]]);
  const two = await analyseLiveBatch(pipeline, [
    { planner: a, frame: face, at: 200 },
    { planner: b, frame: empty, at: 200 },
  ]);
  assert.deepEqual(two.map((r) => [r.mode, r.faces.length]), [['region', 1], ['skipped', 0]]);
  assert.equal(two[1]!.regions, 0, 'the detector did not run on the skipped frame');
});

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { decodeImage } from '../image/decodeImage.ts';
import { ModelManifest } from '../manifest/ModelManifest.ts';
import { extractFrames } from '../testing/videoFrames.ts';
import { VisionError } from '../VisionError.ts';
import { FaceDetector } from './FaceDetector.ts';
import type { DetectedFace } from './FaceDetectorTypes.ts';
import { faceShapeFault, resolveFaceShape } from './faceShape.ts';

const shape = resolveFaceShape();
/** An upright 80x100 face at (100, 100): eyes at 40 % of its height, mouth at 75 %. */
const upright = (): DetectedFace => ({
  box: [100, 100, 180, 200],
  score: 0.9,
  landmarks: [
    [125, 140],
    [155, 140],
    [140, 160],
    [128, 175],
    [152, 175],
  ],
});

let detector: FaceDetector;
before(async () => {
  detector = await FaceDetector.create(ModelManifest.load().detector(), { scoreThreshold: 0.6, session: { intraOpThreads: 1 } });
});
after(() => detector.close());

test("YuNet's faces in the shared clips have a face's shape", async () => {
  let faces = 0;
  for (const [clip, count] of [
    ['Gituatu_nomask.mp4', 3],
    ['Gituatu_mask.mp4', 3],
    ['diazoniclabs_mask.mp4', 2],
  ] as const) {
    for (const path of extractFrames(clip, count, 1)) {
      for (const face of await detector.detect(await decodeImage(path))) {
        faces++;
        assert.equal(faceShapeFault(face, shape), null, `${clip}: ${JSON.stringify(face)}`);
      }
    }
  }
  assert.ok(faces >= 3 + 3 + 2 * 5, `${faces} faces`);
});

test('a box whose proportions or landmarks do not make a face is not one', () => {
  assert.equal(faceShapeFault(upright(), shape), null);
  const broken = (change: (f: DetectedFace) => void): string | null => {
    const face = upright();
    change(face);
    return faceShapeFault(face, shape);
  };
  assert.equal(broken((f) => (f.box = [100, 100, 300, 200])), 'aspect'); // 2:1, a strip of a picture frame
  assert.equal(broken((f) => (f.box = [100, 100, 130, 200])), 'aspect');
  assert.equal(broken((f) => (f.landmarks[2] = [220, 160])), 'landmarks'); // a nose outside the box
  assert.equal(
    broken((f) => {
      f.landmarks[3] = [128, 138];
      f.landmarks[4] = [152, 138];
    }),
    'landmarks',
  ); // mouth at the eyes
  assert.equal(broken((f) => (f.landmarks[1] = [126, 141])), 'landmarks'); // both eyes on one point
  // Tilted 20 degrees, or a face in profile (eyes close together): still a face.
  assert.equal(
    broken((f) => {
      f.landmarks = [
        [128, 135],
        [156, 145],
        [138, 162],
        [122, 174],
        [145, 182],
      ];
    }),
    null,
  );
  assert.equal(broken((f) => (f.landmarks[1] = [133, 140])), null);
  // A detector without landmarks is judged by its box.
  assert.equal(broken((f) => (f.landmarks = [])), null);
});

test('options are checked', () => {
  assert.deepEqual(resolveFaceShape({ minAspect: 0.6 }), { ...shape, minAspect: 0.6 });
  for (const bad of [{ minAspect: 2, maxAspect: 1 }, { landmarkSlack: -1 }, { nose: true }]) {
    assert.throws(() => resolveFaceShape(bad as object), VisionError);
  }
});

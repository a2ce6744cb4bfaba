import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { decodeImage } from '../image/decodeImage.ts';
import { resizeBilinear } from '../image/resizeBilinear.ts';
import { ModelManifest } from '../manifest/ModelManifest.ts';
import { bigPhotoWithSmallFace } from '../testing/smallFacePhoto.ts';
import { extractFrames, tempDir } from '../testing/videoFrames.ts';
import { VisionError } from '../VisionError.ts';
import { FaceDetector } from './FaceDetector.ts';
import { iou } from './nms.ts';

describe('FaceDetector tile pass (small faces in large photos)', () => {
  let tiled: FaceDetector;
  let plain: FaceDetector;
  before(async () => {
    const model = ModelManifest.load().detector();
    tiled = await FaceDetector.create(model, { minFaceSide: 24, session: { intraOpThreads: 1 } });
    plain = await FaceDetector.create(model, { session: { intraOpThreads: 1 } });
  });
  after(() => {
    tiled.close();
    plain.close();
  });

  it('plans a tile pass only when the whole-frame pass shrinks a minFaceSide face too much', () => {
    assert.equal(plain.planTilePass(4000, 3000), null, 'no minFaceSide, no tiles');
    assert.equal(tiled.planTilePass(1280, 720), null, '1280 px: 24 px faces stay 18 px');
    const plan = tiled.planTilePass(4000, 3000)!;
    assert.ok(Math.abs(plan.scale - 20 / 24) < 1e-9);
    for (const t of plan.tiles) assert.ok(t.width <= 640 && t.height <= 640);
    assert.ok(plan.tiles.length > 20);
  });

  it("finds a 26 px face in a 4000x3000 photo, in the photo's pixels; the whole-frame pass alone misses it", async () => {
    const photo = await bigPhotoWithSmallFace(tempDir(), { width: 4000, height: 3000, faceSide: 26, at: [1210, 2440] });
    const frame = await decodeImage(photo.path);
    const faces = await tiled.detect(frame);
    assert.equal(faces.length, 1, JSON.stringify(faces.map((f) => f.box)));
    assert.ok(iou(faces[0]!.box, photo.faceBox) > 0.6, `${faces[0]!.box.join(', ')} vs ${photo.faceBox.join(', ')}`);
    const [lx, ly] = faces[0]!.landmarks[2]!;
    assert.ok(
      lx > photo.faceBox[0] && lx < photo.faceBox[2] && ly > photo.faceBox[1] && ly < photo.faceBox[3],
      'nose inside the box',
    );
    assert.deepEqual(await plain.detect(frame), []);
    assert.deepEqual(await tiled.detect(frame, { tiles: false }), [], 'tiles: false is the whole-frame pass alone');
  });

  it('reports a large face cut by tile edges once, as the whole-frame pass boxes it', async () => {
    const [path] = extractFrames('Gituatu_nomask.mp4', 1);
    // 1280x720 -> 2560x1440: the face (~300 px) becomes ~600 px, wider than any tile's overlap.
    const frame = resizeBilinear(await decodeImage(path!), 2560, 1440);
    const faces = await tiled.detect(frame);
    const whole = await plain.detect(frame);
    assert.equal(whole.length, 1);
    assert.equal(faces.length, 1, JSON.stringify(faces.map((f) => f.box)));
    assert.ok(iou(faces[0]!.box, whole[0]!.box) > 0.9);
  });

  it('refuses a tile side that is not a multiple of the stride', async () => {
    await assert.rejects(
      FaceDetector.create(ModelManifest.load().detector(), { minFaceSide: 24, tileSide: 500 }),
      (e: unknown) => e instanceof VisionError && e.code === 'INVALID_ARGUMENT' && /tileSide/.test(e.message),
    );
  });
});

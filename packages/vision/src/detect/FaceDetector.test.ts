import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import type { Box } from '@maskwatch/protocol/faces';

import { decodeImage } from '../image/decodeImage.ts';
import { resizeBilinear } from '../image/resizeBilinear.ts';
import { createRgbFrame, type RgbFrame } from '../image/RgbFrame.ts';
import { ModelManifest } from '../manifest/ModelManifest.ts';
import { extractFrames } from '../testing/videoFrames.ts';
import { VisionError } from '../VisionError.ts';
import { FaceDetector } from './FaceDetector.ts';
import { iou } from './nms.ts';

const scaleBox = (b: Box, s: number): Box => [b[0] * s, b[1] * s, b[2] * s, b[3] * s];

/** `frame` pasted at (x, y) into a grey width x height canvas. */
function paste(frame: RgbFrame, width: number, height: number, x: number, y: number): RgbFrame {
  const canvas = createRgbFrame(width, height, new Uint8Array(width * height * 3).fill(128));
  for (let row = 0; row < frame.height; row++) {
    canvas.data.set(
      frame.data.subarray(row * frame.width * 3, (row + 1) * frame.width * 3),
      ((y + row) * width + x) * 3,
    );
  }
  return canvas;
}

describe('FaceDetector (YuNet, real frames)', () => {
  let detector: FaceDetector;
  before(async () => {
    detector = await FaceDetector.create(ModelManifest.load().detector());
  });
  after(() => detector.close());

  it('finds the one masked face in every frame of Gituatu_mask.mp4, where she is', async () => {
    for (const path of extractFrames('Gituatu_mask.mp4', 8, 1)) {
      const faces = await detector.detect(await decodeImage(path));
      assert.equal(faces.length, 1, `${path}: ${JSON.stringify(faces.map((f) => f.box))}`);
      assert.ok(iou(faces[0]!.box, [305, 50, 420, 200]) > 0.6, `${path}: box ${faces[0]!.box.join(', ')}`);
      assert.equal(faces[0]!.landmarks.length, 5);
    }
  });

  it('finds the one unmasked face in every frame of Gituatu_nomask.mp4 (1280x720, downscaled for the network)', async () => {
    for (const path of extractFrames('Gituatu_nomask.mp4', 6, 1)) {
      const frame = await decodeImage(path);
      const faces = await detector.detect(frame);
      assert.equal(faces.length, 1, `${path}: ${faces.length} faces`);
      const [x1, y1, x2, y2] = faces[0]!.box;
      assert.ok(x2 - x1 > 250 && y2 - y1 > 350, `face should be large in original pixels: ${faces[0]!.box.join(', ')}`);
    }
  });

  it('finds the four people of diazoniclabs_mask.mp4', async () => {
    const [path] = extractFrames('diazoniclabs_mask.mp4', 1, 1);
    const faces = await detector.detect(await decodeImage(path!));
    assert.ok(faces.length >= 4, `${faces.length} faces`);
    faces.forEach((f, i) => i > 0 && assert.ok(f.score <= faces[i - 1]!.score, 'best first'));
  });

  it('maps boxes back to original pixels, whatever the network input size', async () => {
    const [path] = extractFrames('Gituatu_mask.mp4', 1);
    const frame = await decodeImage(path!);
    const [face] = await detector.detect(frame);
    // 1440x808 is downscaled to 960 wide for the network: the box must still come back doubled.
    const big = await detector.detect(resizeBilinear(frame, 1440, 808));
    assert.equal(big.length, 1);
    assert.ok(
      iou(big[0]!.box, scaleBox(face!.box, 2)) > 0.85,
      `${big[0]!.box.join(', ')} vs 2 x ${face!.box.join(', ')}`,
    );
  });

  it('finds a ~24 px face: a small frame is upscaled, a small face in a large frame is found at stride 8', async () => {
    const [path] = extractFrames('Gituatu_mask.mp4', 1);
    const frame = await decodeImage(path!);
    // 720x404 -> 150x84: the face (~115 px wide) becomes ~24 px.
    const tiny = resizeBilinear(frame, 150, 84);
    assert.equal(detector.planInput(150, 84).scale > 3, true);
    const faces = await detector.detect(tiny);
    assert.equal(faces.length, 1, 'tiny frame');
    assert.ok(iou(faces[0]!.box, scaleBox([305, 50, 420, 200], 150 / 720)) > 0.5, `box ${faces[0]!.box.join(', ')}`);
    const canvas = paste(tiny, 640, 360, 300, 150);
    const inCanvas = await detector.detect(canvas, { scoreThreshold: 0.5 });
    assert.equal(inCanvas.length, 1, '24 px face in a 640x360 frame');
    const [x1, , x2] = inCanvas[0]!.box;
    assert.ok(x2 - x1 > 16 && x2 - x1 < 40, `width ${x2 - x1}`);
  });

  it('plans inputs as multiples of 32, upscaling small frames and bounding large ones', () => {
    const small = detector.planInput(200, 100);
    assert.equal(small.padWidth % 32, 0);
    assert.equal(small.padHeight % 32, 0);
    assert.ok(small.height >= 320);
    const large = detector.planInput(3840, 2160);
    assert.equal(large.width, 960);
    assert.equal(large.padHeight, 544);
    assert.deepEqual(detector.planInput(640, 480), {
      scale: 1,
      width: 640,
      height: 480,
      padWidth: 640,
      padHeight: 480,
    });
  });
});

describe('FaceDetector lifecycle', () => {
  it('close() is safe twice and detect() afterwards fails with CLOSED', async () => {
    const detector = await FaceDetector.create(ModelManifest.load().detector());
    const frame = createRgbFrame(64, 64);
    assert.deepEqual(await detector.detect(frame), []);
    detector.close();
    detector.close();
    assert.equal(detector.closed, true);
    await assert.rejects(detector.detect(frame), (e: unknown) => e instanceof VisionError && e.code === 'CLOSED');
  });

  it('refuses a buffer that is not RGB24 (an RGBA frame passed by mistake)', async () => {
    const detector = await FaceDetector.create(ModelManifest.load().detector());
    try {
      await assert.rejects(
        detector.detect({ width: 64, height: 64, data: new Uint8Array(64 * 64 * 4) }),
        (e: unknown) => e instanceof VisionError && e.code === 'INVALID_ARGUMENT' && /RGB24/.test(e.message),
      );
    } finally {
      detector.close();
    }
  });

  it('rejects bad options with INVALID_ARGUMENT', async () => {
    await assert.rejects(
      FaceDetector.create(ModelManifest.load().detector(), { scoreThreshold: 2 }),
      (e: unknown) => e instanceof VisionError && e.code === 'INVALID_ARGUMENT' && e.message.includes('scoreThreshold'),
    );
  });
});

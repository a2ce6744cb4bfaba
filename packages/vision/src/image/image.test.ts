import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';

import sharp from 'sharp';

import { extractFrames, tempDir } from '../testing/videoFrames.ts';
import { VisionError } from '../VisionError.ts';
import { centredSquare, cropFace, cropSquare, faceCropSquare } from './cropFace.ts';
import { decodeImage, encodePng } from './decodeImage.ts';
import { resizeBilinear } from './resizeBilinear.ts';
import { createRgbFrame, type RgbFrame } from './RgbFrame.ts';
import { packNchw, writeChw } from './toTensor.ts';

/** A frame whose red channel is x, green is y, blue is 7. */
function gradient(width: number, height: number): RgbFrame {
  const frame = createRgbFrame(width, height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) frame.data.set([x, y, 7], (y * width + x) * 3);
  }
  return frame;
}
const px = (f: RgbFrame, x: number, y: number): number[] =>
  Array.from(f.data.subarray((y * f.width + x) * 3, (y * f.width + x) * 3 + 3));

describe('decodeImage', () => {
  it('decodes a real video frame to RGB24', async () => {
    const [png] = extractFrames('Gituatu_mask.mp4', 1);
    const frame = await decodeImage(png!);
    assert.equal(frame.width, 720);
    assert.equal(frame.height, 404);
    assert.equal(frame.data.length, 720 * 404 * 3);
  });

  it('turns a JPEG upright by its EXIF orientation', async () => {
    const dir = tempDir();
    const raw = gradient(40, 20);
    const path = join(dir, 'rotated.jpg');
    // Orientation 6: the stored picture must be turned 90° clockwise to be upright.
    writeFileSync(
      path,
      await sharp(raw.data, { raw: { width: 40, height: 20, channels: 3 } })
        .jpeg()
        .withMetadata({ orientation: 6 })
        .toBuffer(),
    );
    const frame = await decodeImage(path);
    assert.deepEqual([frame.width, frame.height], [20, 40]);
  });

  it('drops alpha and expands grey to three channels', async () => {
    const grey = await sharp(Buffer.from([0, 100, 200, 255]), { raw: { width: 2, height: 2, channels: 1 } })
      .png()
      .toBuffer();
    const g = await decodeImage(grey);
    assert.deepEqual(px(g, 1, 0), [100, 100, 100]);
    const rgba = await sharp(Buffer.from([10, 20, 30, 0, 40, 50, 60, 255]), {
      raw: { width: 2, height: 1, channels: 4 },
    })
      .png()
      .toBuffer();
    const c = await decodeImage(rgba);
    assert.equal(c.data.length, 6);
    assert.deepEqual(px(c, 1, 0), [40, 50, 60]);
  });

  it('fails with IMAGE_DECODE_FAILED naming the file', async () => {
    await assert.rejects(
      decodeImage('/nonexistent/no such.png'),
      (e: unknown) => e instanceof VisionError && e.code === 'IMAGE_DECODE_FAILED' && e.message.includes('no such.png'),
    );
    await assert.rejects(
      decodeImage(Buffer.from('not an image')),
      (e: unknown) => e instanceof VisionError && e.code === 'IMAGE_DECODE_FAILED',
    );
  });

  it('round-trips through encodePng losslessly', async () => {
    const frame = gradient(13, 9);
    const back = await decodeImage(await encodePng(frame));
    assert.deepEqual(back, frame);
  });
});

describe('resizeBilinear', () => {
  it('samples at pixel centres with clamp to edge', () => {
    const src = createRgbFrame(2, 1, new Uint8Array([0, 0, 0, 255, 255, 255]));
    const out = resizeBilinear(src, 4, 1);
    assert.deepEqual(
      [0, 1, 2, 3].map((x) => px(out, x, 0)[0]),
      [0, 64, 191, 255],
    );
  });

  it('halves a gradient to the means of pixel pairs', () => {
    const out = resizeBilinear(gradient(8, 8), 4, 4);
    // Output pixel j samples x = 2j + 0.5: the mean of 2j and 2j+1, rounded.
    assert.deepEqual(px(out, 1, 2), [3, 5, 7]);
  });

  it('rejects a non-integer size', () => {
    assert.throws(() => resizeBilinear(gradient(4, 4), 2.5, 2), /positive integers/);
  });
});

describe('cropFace', () => {
  it('takes the square centred on the box with 15% margin of the longer side', () => {
    assert.deepEqual(faceCropSquare([10, 20, 30, 60]), [-6, 14, 46, 66]);
    assert.deepEqual(centredSquare(100, 60), [20, 0, 80, 60]);
    assert.deepEqual(centredSquare(60, 100), [0, 20, 60, 80]);
  });

  it('copies pixels exactly when the square maps 1:1 onto the output', () => {
    const frame = gradient(64, 64);
    // Box 20x20 at (22,22): side 20 * 1.3 = 26, square [19, 19, 45, 45], size 26 -> step 1.
    const crop = cropFace(frame, [22, 22, 42, 42], 26);
    assert.deepEqual(px(crop, 0, 0), [19, 19, 7]);
    assert.deepEqual(px(crop, 25, 3), [44, 22, 7]);
  });

  it('clamps to the edge outside the frame', () => {
    const frame = gradient(32, 32);
    const crop = cropSquare(frame, [-16, -16, 16, 16], 32);
    assert.deepEqual(px(crop, 0, 0), [0, 0, 7]);
    assert.deepEqual(px(crop, 31, 31), [15, 15, 7]);
    assert.deepEqual(px(crop, 20, 31), [4, 15, 7]);
  });

  it('crops the face of a real frame to size x size', async () => {
    const [png] = extractFrames('Gituatu_mask.mp4', 1);
    const frame = await decodeImage(png!);
    const crop = cropFace(frame, [307, 49, 422, 203], 128);
    assert.equal(crop.width, 128);
    assert.equal(crop.height, 128);
    assert.equal(crop.data.length, 128 * 128 * 3);
  });

  it('rejects empty boxes', () => {
    assert.throws(
      () => cropFace(gradient(8, 8), [5, 5, 5, 9], 16),
      (e: unknown) => e instanceof VisionError && e.code === 'INVALID_ARGUMENT',
    );
  });
});

describe('tensor packing', () => {
  const frame = createRgbFrame(2, 1, new Uint8Array([0, 127.5, 255, 255, 0, 0].map(Math.floor)));

  it('packs RGB with x / 127.5 - 1 in NCHW order', () => {
    const t = packNchw([frame, frame], { pixelFormat: 'RGB', normalize: { scale: 1 / 127.5, offset: -1 } });
    assert.equal(t.length, 2 * 3 * 2);
    // Plane R: pixel0 0 -> -1, pixel1 255 -> 1; plane G: 127 -> ~0, 0 -> -1; plane B: 255 -> 1, 0 -> -1.
    const expected = [-1, 1, 127 / 127.5 - 1, -1, 1, -1];
    for (let i = 0; i < 6; i++) {
      assert.ok(Math.abs(t[i]! - expected[i]!) < 1e-6, `index ${i}: ${t[i]} vs ${expected[i]}`);
      assert.ok(Math.abs(t[6 + i]! - expected[i]!) < 1e-6);
    }
  });

  it('packs BGR 0..255 into a padded plane', () => {
    const t = new Float32Array(3 * 4 * 2).fill(99);
    writeChw(frame, { pixelFormat: 'BGR', normalize: { scale: 1, offset: 0 } }, t, 0, 4, 2);
    // Channel 0 is blue: pixel0 255, pixel1 0, then padding 0.
    assert.deepEqual(Array.from(t.subarray(0, 8)), [255, 0, 0, 0, 0, 0, 0, 0]);
    assert.deepEqual(Array.from(t.subarray(16, 24)), [0, 255, 0, 0, 0, 0, 0, 0]);
  });

  it('refuses a batch of mixed sizes', () => {
    assert.throws(
      () => packNchw([frame, gradient(3, 1)], { pixelFormat: 'RGB', normalize: { scale: 1, offset: 0 } }),
      /share one size/,
    );
  });
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cropFace } from '../image/cropFace.ts';
import { decodeImage } from '../image/decodeImage.ts';
import { createRgbFrame, type RgbFrame } from '../image/RgbFrame.ts';
import { renderSnapshot } from './renderSnapshot.ts';

/** A frame of seeded noise: any blur shows as a drop in local variance. */
function noiseFrame(width: number, height: number): RgbFrame {
  const frame = createRgbFrame(width, height);
  let seed = 12345;
  for (let i = 0; i < frame.data.length; i++) {
    seed = (seed * 1103515245 + 12345) >>> 0;
    frame.data[i] = seed >>> 24;
  }
  return frame;
}

function variance(frame: RgbFrame, [x1, y1, x2, y2]: [number, number, number, number]): number {
  let sum = 0;
  let sumSq = 0;
  let n = 0;
  for (let y = y1; y < y2; y++) {
    for (let x = x1; x < x2; x++) {
      const v = frame.data[(y * frame.width + x) * 3 + 1] ?? 0;
      sum += v;
      sumSq += v * v;
      n++;
    }
  }
  const mean = sum / n;
  return sumSq / n - mean * mean;
}

test('the offender is outlined, every other face is blurred, and a thumbnail of the offender comes with it', async () => {
  const frame = noiseFrame(640, 360);
  const offender: [number, number, number, number] = [100, 80, 220, 230];
  const other: [number, number, number, number] = [400, 60, 520, 210];
  const snapshot = await renderSnapshot(frame, offender, [other]);
  assert.equal(snapshot.width, 640);
  assert.equal(snapshot.height, 360);
  assert.deepEqual([...snapshot.jpeg.subarray(0, 2)], [0xff, 0xd8]);

  const out = await decodeImage(snapshot.jpeg);
  assert.equal(out.width, 640);
  assert.equal(out.height, 360);
  const original = variance(frame, [410, 70, 510, 200]);
  assert.ok(variance(out, [410, 70, 510, 200]) < original / 10, 'the other face is blurred');
  assert.ok(variance(out, [120, 100, 200, 210]) > original / 3, "the offender's face is not");
  // The outline, just outside the box, is red.
  const at = (x: number, y: number) => [...out.data.subarray((y * 640 + x) * 3, (y * 640 + x) * 3 + 3)];
  for (const [x, y] of [
    [160, 78],
    [98, 150],
    [160, 231],
  ] as const) {
    const [r, g, b] = at(x, y);
    assert.ok(r! > 180 && g! < 110 && b! < 110, `outline at ${x},${y} is ${at(x, y)}`);
  }

  // The thumbnail is the classifier's crop of the face (cropFace's square: 15 % margin, 128 px).
  const thumb = await decodeImage(snapshot.thumbnail);
  assert.equal(thumb.width, 128);
  assert.equal(thumb.height, 128);
  const crop = cropFace(frame, offender, 128);
  let diff = 0;
  for (let i = 0; i < crop.data.length; i++) diff += Math.abs(crop.data[i]! - thumb.data[i]!);
  assert.ok(diff / crop.data.length < 40, `thumbnail = the crop (mean difference ${diff / crop.data.length})`);

  // The same crop, framed in red, in the corner farthest from the offender (bottom right): 35 % of 360 px.
  let redness = 0;
  for (let x = 520; x < 620; x++) redness += at(x, 352)[0]! - at(x, 352)[1]!;
  assert.ok(redness / 100 > 150, `the inset's bottom frame line is red (${redness / 100})`);
  const inset: [number, number, number, number] = [640 - 6 - 126 + 8, 360 - 6 - 126 + 8, 640 - 6 - 8, 360 - 6 - 8];
  const cropVariance = variance(thumb, [0, 0, 128, 128]);
  assert.ok(cropVariance > original / 10, `the crop is of the unblurred face (${cropVariance})`);
  assert.ok(variance(out, inset) > cropVariance / 2, 'the inset shows that crop');
});

test('the inset goes to the corner away from the offender, and is left out when asked', async () => {
  const frame = noiseFrame(640, 360);
  /** Mean of red minus green over the inset's top frame line (about 200 where it is drawn, about 0 on noise). */
  const redness = (img: RgbFrame, x0: number): number => {
    let sum = 0;
    for (let x = x0; x < x0 + 100; x++) {
      const at = (7 * 640 + x) * 3;
      sum += img.data[at]! - img.data[at + 1]!;
    }
    return sum / 100;
  };
  // An offender at the bottom right: the crop goes top left.
  const right = await decodeImage((await renderSnapshot(frame, [500, 200, 600, 330], [])).jpeg);
  assert.ok(redness(right, 10) > 150, `top-left inset frame: ${redness(right, 10)}`);
  assert.ok(redness(right, 500) < 50, 'not top right');
  const none = await decodeImage((await renderSnapshot(frame, [500, 200, 600, 330], [], { insetShare: 0 })).jpeg);
  assert.ok(Math.abs(redness(none, 10)) < 50, `no inset: ${redness(none, 10)}`);
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
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

  const thumb = await decodeImage(snapshot.thumbnail);
  assert.equal(thumb.width, 128);
  assert.equal(thumb.height, 128);
});

test('boxes partly or wholly outside the frame are clipped, not an error', async () => {
  const frame = noiseFrame(320, 240);
  const snapshot = await renderSnapshot(frame, [-40, -30, 60, 80], [[300, 200, 400, 300], [500, 500, 600, 600]], {
    thumbnailSize: 64,
  });
  assert.equal((await decodeImage(snapshot.thumbnail)).width, 64);
  assert.equal((await decodeImage(snapshot.jpeg)).height, 240);
});

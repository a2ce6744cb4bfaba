import assert from 'node:assert/strict';
import { test } from 'node:test';

import { createRgbFrame, type RgbFrame } from '../image/RgbFrame.ts';
import {
  APPEARANCE_BINS,
  APPEARANCE_LENGTH,
  AppearanceModel,
  appearanceRegions,
  appearanceSimilarity,
  describeAppearance,
} from './appearance.ts';

/** A 640x360 frame: skin-coloured face, dark hair above it, clothes of `shirt` below, grey wall around. */
function person(shirt: [number, number, number], faceAt: [number, number] = [280, 60]): RgbFrame {
  const frame = createRgbFrame(640, 360);
  const [fx, fy] = faceAt;
  for (let y = 0; y < 360; y++) {
    for (let x = 0; x < 640; x++) {
      let c: [number, number, number] = [128, 128, 128];
      if (x >= fx - 60 && x < fx + 140 && y >= fy + 120) c = shirt;
      if (x >= fx && x < fx + 80 && y >= fy && y < fy + 100) c = y < fy + 25 ? [40, 25, 20] : [200, 150, 120];
      frame.data.set(c, (y * 640 + x) * 3);
    }
  }
  return frame;
}

test('the same person looks the same; a red hoodie and a white shirt do not; a face out of the picture has no look', () => {
  const box = [280, 60, 360, 160] as const;
  const red = describeAppearance(person([180, 30, 30]), [...box]);
  const red2 = describeAppearance(person([175, 35, 28], [300, 70]), [300, 70, 380, 170]);
  const white = describeAppearance(person([235, 235, 235]), [...box]);
  assert.equal(red.length, APPEARANCE_LENGTH);
  assert.ok(red.every((v) => Number.isInteger(v) && v >= 0 && v <= 255));
  assert.ok(appearanceSimilarity(red, red2)! > 0.95, `same: ${appearanceSimilarity(red, red2)}`);
  const apart = appearanceSimilarity(red, white)!;
  assert.ok(apart < 0.75, `different clothes: ${apart}`);
  // The faces alike, the clothes not: the mean of the two regions sits between.
  assert.ok(apart > 0.3, `same face colours: ${apart}`);

  // A face at the bottom edge: no clothes region; compared on the face alone.
  const low = describeAppearance(person([180, 30, 30], [280, 250]), [280, 250, 360, 350]);
  assert.deepEqual(low.slice(APPEARANCE_BINS), new Array(APPEARANCE_BINS).fill(0));
  assert.ok(appearanceSimilarity(low, red)! > 0.9);
  // Nothing in common: unknown, not "different".
  assert.equal(appearanceSimilarity(new Array(APPEARANCE_LENGTH).fill(0), red), null);
  const clothes = appearanceRegions([280, 60, 360, 160]).clothes;
  assert.ok(clothes[1] > 160 && clothes[0] < 280 && clothes[2] > 360, 'clothes below the face, wider than it');
});

test('a running look keeps each region, moves slowly to new looks, and starts from the first one', () => {
  const red = describeAppearance(person([180, 30, 30]), [280, 60, 360, 160]);
  const white = describeAppearance(person([235, 235, 235]), [280, 60, 360, 160]);
  const model = new AppearanceModel(0.2);
  assert.equal(model.known, false);
  model.add(red);
  assert.deepEqual(model.value(), red);
  model.add(white);
  assert.ok(appearanceSimilarity(model.value(), red)! > appearanceSimilarity(model.value(), white)!);
  // A look without clothes (face at the edge) leaves the clothes it knew.
  const faceOnly = [...red.slice(0, APPEARANCE_BINS), ...new Array<number>(APPEARANCE_BINS).fill(0)];
  const before = model.value().slice(APPEARANCE_BINS);
  model.add(faceOnly);
  assert.deepEqual(model.value().slice(APPEARANCE_BINS), before);
});

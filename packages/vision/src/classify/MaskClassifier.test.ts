import assert from 'node:assert/strict';
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';

import { cropFace } from '../image/cropFace.ts';
import { decodeImage } from '../image/decodeImage.ts';
import { createRgbFrame, type RgbFrame } from '../image/RgbFrame.ts';
import { FIXTURES_DIR, meanRgbManifest } from '../testing/meanRgbModel.ts';
import { extractFrames, tempDir } from '../testing/videoFrames.ts';
import { VisionError } from '../VisionError.ts';
import { MaskClassifier } from './MaskClassifier.ts';
import { compareParity, loadParityFixtures } from './parityFixtures.ts';
import { softmax } from './softmax.ts';

const solid = (r: number, g: number, b: number, size: number = 128): RgbFrame => {
  const frame = createRgbFrame(size, size);
  for (let i = 0; i < size * size; i++) frame.data.set([r, g, b], i * 3);
  return frame;
};
/** What mean-rgb must output for a crop: the mean of each channel after x / 127.5 - 1. */
const channelMeans = (crop: RgbFrame): number[] =>
  [0, 1, 2].map((c) => {
    let sum = 0;
    for (let i = c; i < crop.data.length; i += 3) sum += crop.data[i]! / 127.5 - 1;
    return sum / (crop.width * crop.height);
  });
const close = (a: number[], b: number[], eps: number = 1e-5): boolean =>
  a.length === b.length && a.every((v, i) => Math.abs(v - b[i]!) <= eps);

describe('softmax', () => {
  it('sums to 1, keeps order and survives large logits', () => {
    const p = softmax([1000, 999, 0]);
    assert.ok(Math.abs(p.reduce((a, b) => a + b) - 1) < 1e-12);
    assert.ok(p[0]! > p[1]! && p[1]! > p[2]!);
    assert.ok(Math.abs(softmax([0, 0])[0]! - 0.5) < 1e-12);
  });
});

describe('MaskClassifier (real ONNX model with known outputs)', () => {
  it('classifies a batch in one run: RGB order, x / 127.5 - 1, softmax, labels in model order', async () => {
    const classifier = await MaskClassifier.create(meanRgbManifest().classifier());
    try {
      assert.equal(classifier.batched, true);
      const results = await classifier.classifyCrops([
        solid(255, 0, 0),
        solid(0, 255, 0),
        solid(0, 0, 255),
        solid(0, 255, 255),
      ]);
      assert.deepEqual(
        results.map((r) => r.label),
        ['mask', 'no_mask', 'incorrect', 'no_mask'],
      );
      assert.ok(close(results[0]!.logits, [1, -1, -1]));
      assert.ok(Math.abs(results[0]!.score - softmax([1, -1, -1])[0]!) < 1e-6);
      assert.ok(Math.abs(results[3]!.probabilities[1]! - results[3]!.probabilities[2]!) < 1e-6);
      assert.deepEqual(await classifier.classifyCrops([]), []);
    } finally {
      classifier.close();
    }
  });

  it('crops every face of a real frame with the shared crop function', async () => {
    const classifier = await MaskClassifier.create(meanRgbManifest().classifier());
    try {
      const [path] = extractFrames('diazoniclabs_mask.mp4', 1);
      const frame = await decodeImage(path!);
      const boxes: Array<[number, number, number, number]> = [
        [546, 199, 626, 308],
        [223, 156, 304, 263],
        [693, 225, 787, 344],
      ];
      const results = await classifier.classify(frame, boxes);
      assert.equal(results.length, 3);
      boxes.forEach((box, i) =>
        assert.ok(close(results[i]!.logits, channelMeans(cropFace(frame, box, 128))), `face ${i}`),
      );
    } finally {
      classifier.close();
    }
  });

  it('follows the manifest label order', async () => {
    const classifier = await MaskClassifier.create(
      meanRgbManifest({ labels: ['incorrect', 'mask', 'no_mask'] }).classifier(),
    );
    try {
      assert.equal((await classifier.classifyCrops([solid(255, 0, 0)]))[0]!.label, 'incorrect');
    } finally {
      classifier.close();
    }
  });

  it("reads T, τ and r from the manifest's operating point: calibrated probabilities and that rule's label", async () => {
    const classifier = await MaskClassifier.create(
      meanRgbManifest({ operatingPoint: { temperature: 2, maskThreshold: 0.7, incorrectRatio: 1.5 } }).classifier(),
    );
    try {
      assert.deepEqual(classifier.rule, { temperature: 2, maskThreshold: 0.7, incorrectRatio: 1.5 });
      // red: logits [1, -1, -1]; at T = 2 p(mask) = softmax([0.5, -0.5, -0.5])[0] ≈ 0.58 < τ (argmax: mask);
      // p(incorrect) = p(no_mask) < 1.5 · p(no_mask): no_mask
      const [red, pink] = await classifier.classifyCrops([solid(255, 0, 0), solid(255, 0, 191)]);
      const p = softmax([0.5, -0.5, -0.5]);
      red!.probabilities.forEach((v, i) => assert.ok(Math.abs(v - p[i]!) < 1e-6));
      assert.ok(close(red!.logits, [1, -1, -1]), 'raw logits unchanged');
      assert.equal(red!.label, 'no_mask');
      assert.ok(Math.abs(red!.score - p[1]!) < 1e-6);
      // pink: logits [1, -1, 0.5]; p(incorrect) / p(no_mask) = e^0.75 ≈ 2.1 >= 1.5: incorrect
      assert.equal(pink!.label, 'incorrect');
    } finally {
      classifier.close();
    }
    const plain = await MaskClassifier.create(meanRgbManifest().classifier());
    try {
      assert.deepEqual(plain.rule, { temperature: 1, maskThreshold: null, incorrectRatio: 1 });
      assert.equal((await plain.classifyCrops([solid(255, 0, 0)]))[0]!.label, 'mask');
    } finally {
      plain.close();
    }
  });

  it('refuses crops of the wrong size and a manifest size the model does not take', async () => {
    const classifier = await MaskClassifier.create(meanRgbManifest().classifier());
    await assert.rejects(
      classifier.classifyCrops([solid(0, 0, 0, 64)]),
      (e: unknown) => e instanceof VisionError && e.code === 'INVALID_ARGUMENT',
    );
    classifier.close();
    await assert.rejects(
      MaskClassifier.create(meanRgbManifest({ size: 64 }).classifier()),
      (e: unknown) => e instanceof VisionError && e.code === 'MODEL_INCOMPATIBLE',
    );
    await assert.rejects(MaskClassifier.create(meanRgbManifest().detector()), /needs "classify"/);
  });

  it('close() is safe twice; classifying afterwards fails with CLOSED', async () => {
    const classifier = await MaskClassifier.create(meanRgbManifest().classifier());
    classifier.close();
    classifier.close();
    await assert.rejects(
      classifier.classifyCrops([solid(0, 0, 0)]),
      (e: unknown) => e instanceof VisionError && e.code === 'CLOSED',
    );
  });
});

describe('parity harness (mean-rgb fixtures written by Python onnxruntime + PIL)', () => {
  const dir = join(FIXTURES_DIR, 'parity');

  it('matches the Python logits', async () => {
    const fixtures = loadParityFixtures(dir);
    assert.ok(fixtures !== undefined);
    const classifier = await MaskClassifier.create(meanRgbManifest().classifier());
    try {
      assert.deepEqual(await compareParity(classifier, fixtures), []);
    } finally {
      classifier.close();
    }
  });

  it('reports a logit off by more than the tolerance, a different label, and a model without fixtures', async () => {
    const copy = tempDir();
    cpSync(dir, copy, { recursive: true });
    type Expected = { logits: Record<string, number[][]>; onnxruntimeLogits: Record<string, number[][]> };
    const original = JSON.parse(readFileSync(join(copy, 'expected.json'), 'utf8')) as Expected;
    const write = (e: Expected): void => writeFileSync(join(copy, 'expected.json'), JSON.stringify(e));
    const classifier = await MaskClassifier.create(meanRgbManifest().classifier());
    try {
      const shifted = structuredClone(original);
      shifted.onnxruntimeLogits['mean-rgb']![1]![1]! += 0.01;
      write(shifted);
      assert.deepEqual(
        (await compareParity(classifier, loadParityFixtures(copy)!)).map((m) => [m.image, m.argmaxDiffers]),
        [['gituatu-mask.png', false]],
      );
      const flipped = structuredClone(original);
      flipped.onnxruntimeLogits['mean-rgb']![0]![2]! = 5;
      write(flipped);
      assert.deepEqual(
        (await compareParity(classifier, loadParityFixtures(copy)!)).map((m) => [m.image, m.argmaxDiffers]),
        [['diazoniclabs.png', true]],
      );
      await assert.rejects(
        compareParity(classifier, loadParityFixtures(copy)!, 'other-model'),
        /no logits for model "other-model"/,
      );
    } finally {
      classifier.close();
    }
    assert.equal(loadParityFixtures(join(copy, 'nowhere')), undefined);
  });
});

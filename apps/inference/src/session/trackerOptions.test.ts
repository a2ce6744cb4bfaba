import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FaceTracker } from '@maskwatch/vision/track/FaceTracker';
import { meanRgbManifestPath } from '@maskwatch/vision/testing/meanRgbModel';
import { AnalysisWorker } from '../analyse/AnalysisWorker.ts';
import { trackerOptions } from '@maskwatch/vision/track/trackerOptions';

test("the node's tracker votes at the classifier's τ and r; without an operating point at the defaults", () => {
  const tracker = new FaceTracker(trackerOptions({ temperature: 1.7, maskThreshold: 0.83, incorrectRatio: 0.6 }));
  assert.equal(tracker.options.maskThreshold, 0.83);
  assert.equal(tracker.options.incorrectRatio, 0.6);
  const plain = new FaceTracker(trackerOptions({ temperature: 1, maskThreshold: null, incorrectRatio: 1 }));
  assert.equal(plain.options.maskThreshold, 0.5);
  assert.equal(plain.options.incorrectRatio, 1);
});

test('the analysis worker reports the operating point of the manifest it loaded (what the node gives its tracker)', async () => {
  const saved = process.env.MASKWATCH_MODELS_MANIFEST;
  // The worker thread loads the manifest named by the environment, like a node started with it.
  process.env.MASKWATCH_MODELS_MANIFEST = meanRgbManifestPath({
    operatingPoint: { temperature: 1.4, maskThreshold: 0.77, incorrectRatio: 0.8, alertMinScore: 0.2 },
  });
  let worker: AnalysisWorker | undefined;
  try {
    worker = await AnalysisWorker.create({ detectorOptions: { maxInputSide: 320 } });
    assert.equal(worker.info.classifier, 'mean-rgb');
    assert.deepEqual(worker.info.classifierRule, { temperature: 1.4, maskThreshold: 0.77, incorrectRatio: 0.8 });
    const tracker = new FaceTracker(trackerOptions(worker.info.classifierRule));
    assert.equal(tracker.options.maskThreshold, 0.77);
    assert.equal(tracker.options.incorrectRatio, 0.8);
  } finally {
    if (saved === undefined) delete process.env.MASKWATCH_MODELS_MANIFEST;
    else process.env.MASKWATCH_MODELS_MANIFEST = saved;
    await worker?.close();
  }
});

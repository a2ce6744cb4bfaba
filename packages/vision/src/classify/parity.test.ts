// Parity with the Python export: the logits this package computes for models/fixtures/parity/*.png must match
// expected.json, written by the Python side with its onnxruntime. Once the manifest declares a classifier, missing
// fixtures are a failure, not a skip.
import assert from 'node:assert/strict';
import { dirname, join } from 'node:path';
import { describe, it } from 'node:test';

import { ModelManifest } from '../manifest/ModelManifest.ts';
import { MaskClassifier } from './MaskClassifier.ts';
import { compareParity, loadParityFixtures } from './parityFixtures.ts';

const manifest = ModelManifest.load();
const classifiers = manifest.names('classify');
// The export writes manifest.json and fixtures/parity/ side by side (models/ in the repository).
const dir = join(dirname(manifest.path), 'fixtures', 'parity');

describe('classifier parity with the Python export (models/fixtures/parity)', () => {
  if (classifiers.length === 0) {
    it('has nothing to compare', { skip: `${manifest.path} declares no classifier yet` }, () => {});
    return;
  }
  for (const name of classifiers) {
    it(`${name}: logits match expected.json`, async () => {
      const fixtures = loadParityFixtures(dir);
      assert.ok(
        fixtures !== undefined,
        `${manifest.path} declares classifier "${name}" but ${join(dir, 'expected.json')} is missing`,
      );
      const classifier = await MaskClassifier.create(manifest.classifier(name));
      try {
        const mismatches = await compareParity(classifier, fixtures);
        assert.deepEqual(mismatches, [], `${mismatches.length} crop(s) differ by more than ${fixtures.tolerance}`);
      } finally {
        classifier.close();
      }
    });
  }
});

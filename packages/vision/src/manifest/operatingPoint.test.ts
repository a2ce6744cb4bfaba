import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ModelManifest } from './ModelManifest.ts';

const entry = (extra: object) => ({
  task: 'classify',
  file: 'models/none.onnx',
  sha256: 'a'.repeat(64),
  input: { size: [128, 128], layout: 'NCHW', pixelFormat: 'RGB', normalize: { scale: 1, offset: 0 } },
  labels: ['mask', 'no_mask', 'incorrect'],
  ...extra,
});

const CALIBRATED = {
  temperature: 1.3,
  maskThreshold: 0.8,
  incorrectRatio: 0.7,
  alertMinScore: 0.2,
  chosenOn: 'scene-like validation 2026-12-02',
  alertedNonCompliant: 0.91,
  falselyAlertedMasked: 0.03,
};

test('a classifier operating point is read from its entry without its file; absent or unknown gives undefined', () => {
  const manifest = ModelManifest.parse(
    JSON.stringify({
      version: 1,
      models: {
        calibrated: entry({
          operatingPoint: { ...CALIBRATED, twoFold: { unknown: 'dropped' } },
        }),
        plain: entry({}),
      },
    }),
    'test.json',
    '/nonexistent',
  );
  // The declared keys come back as written; an undeclared one (twoFold) is dropped.
  assert.deepEqual(manifest.operatingPoint('calibrated'), CALIBRATED);
  assert.equal(manifest.operatingPoint('plain'), undefined);
  assert.equal(manifest.operatingPoint('missing'), undefined);
  assert.equal(manifest.operatingPoint('__proto__'), undefined);
  for (const bad of [{ alertMinScore: 2 }, { maskThreshold: -0.1 }, { incorrectRatio: 0 }, { temperature: -1 }]) {
    assert.throws(
      () =>
        ModelManifest.parse(
          JSON.stringify({ version: 1, models: { bad: entry({ operatingPoint: bad }) } }),
          'bad.json',
          '/nonexistent',
        ),
      /invalid model manifest/,
      JSON.stringify(bad),
    );
  }
});

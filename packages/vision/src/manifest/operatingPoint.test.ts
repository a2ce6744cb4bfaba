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

test('a classifier operating point is read from its entry without its file; absent or unknown gives undefined', () => {
  const manifest = ModelManifest.parse(
    JSON.stringify({
      version: 1,
      models: {
        calibrated: entry({ operatingPoint: { temperature: 1.3, maskThreshold: 0.5, alertMinScore: 0.7 } }),
        plain: entry({}),
      },
    }),
    'test.json',
    '/nonexistent',
  );
  assert.equal(manifest.operatingPoint('calibrated')?.alertMinScore, 0.7);
  assert.equal(manifest.operatingPoint('plain'), undefined);
  assert.equal(manifest.operatingPoint('missing'), undefined);
  assert.equal(manifest.operatingPoint('__proto__'), undefined);
  assert.throws(() =>
    ModelManifest.parse(
      JSON.stringify({ version: 1, models: { bad: entry({ operatingPoint: { alertMinScore: 2 } }) } }),
      'bad.json',
      '/nonexistent',
    ),
  );
});

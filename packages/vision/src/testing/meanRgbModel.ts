// Test support: the tiny real ONNX model in fixtures/ (logits = mean of each normalised input channel).
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { ModelManifest } from '../manifest/ModelManifest.ts';
import { tempDir } from './videoFrames.ts';

export const FIXTURES_DIR = join(dirname(fileURLToPath(import.meta.url)), 'fixtures');
export const MEAN_RGB_SHA256 = 'cf3727d758b261c531958709aca953ccbd2838a8e066c1ae874612c53ed2c5d4';

/** A manifest declaring YuNet (the repository's) and mean-rgb as classifier "mean-rgb" (the default). */
export function meanRgbManifest(
  overrides: { size?: number; labels?: string[]; operatingPoint?: Record<string, unknown> } = {},
): ModelManifest {
  return ModelManifest.load({ path: meanRgbManifestPath(overrides) });
}

/** The file behind `meanRgbManifest` (for a worker thread, which loads its manifest by path). */
export function meanRgbManifestPath(
  overrides: { size?: number; labels?: string[]; operatingPoint?: Record<string, unknown> } = {},
): string {
  const repo = ModelManifest.load();
  const yunet = repo.detector();
  const manifest = {
    version: 1,
    models: {
      yunet: { task: 'detect', file: yunet.path, sha256: yunet.sha256, input: yunet.input, labels: yunet.labels },
      'mean-rgb': {
        task: 'classify',
        file: join(FIXTURES_DIR, 'mean-rgb.onnx'),
        sha256: MEAN_RGB_SHA256,
        input: {
          size: [overrides.size ?? 128, overrides.size ?? 128],
          layout: 'NCHW',
          pixelFormat: 'RGB',
          normalize: { scale: 1 / 127.5, offset: -1 },
        },
        labels: overrides.labels ?? ['mask', 'no_mask', 'incorrect'],
        ...(overrides.operatingPoint !== undefined ? { operatingPoint: overrides.operatingPoint } : {}),
      },
    },
    default: { detector: 'yunet', classifier: 'mean-rgb' },
  };
  const path = join(tempDir(), 'manifest.json');
  writeFileSync(path, JSON.stringify(manifest));
  return path;
}

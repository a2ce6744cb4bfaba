import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

import { z } from 'zod';

import { decodeImage } from '../image/decodeImage.ts';
import { VisionError } from '../VisionError.ts';
import type { MaskClassifier } from './MaskClassifier.ts';

// models/fixtures/parity/expected.json, written by the Python export (models/maskwatch_models/export.py):
//   {"images": [{"file": "00_mask.png", "label": "mask", ...}],          (or plain file names)
//    "logits": {"<model>": [[...], ...]},                                (PyTorch float logits, one row per image)
//    "onnxruntimeLogits"?: {"<model>": [[...], ...]},                    (Python onnxruntime on the same file)
//    "tolerance"?: 0.001 | {"fp32MaxAbsDiff": 0.001, ...}}
// Node's logits must match the Python onnxruntime ones (same kernels, int8 included) within the tolerance, and
// pick the same label wherever the reference is not a near tie. Without onnxruntimeLogits the PyTorch logits are
// the reference. (Whether int8 agrees with PyTorch is the export's own check, not a Node-vs-Python one.)
const Rows = z.array(z.array(z.number().finite()).min(1));
const ExpectedSchema = z.object({
  images: z.array(z.union([z.string().min(1), z.object({ file: z.string().min(1) })])).min(1),
  logits: z.record(z.string(), Rows),
  onnxruntimeLogits: z.record(z.string(), Rows).optional(),
  tolerance: z
    .union([z.number().positive(), z.object({ fp32MaxAbsDiff: z.number().positive().optional() })])
    .optional(),
});

export const DEFAULT_PARITY_TOLERANCE = 1e-3;

export type ParityFixtures = {
  dir: string;
  tolerance: number;
  images: string[];
  /** Reference logits per model (Python onnxruntime where given, else PyTorch). */
  reference: Map<string, number[][]>;
};

export type ParityMismatch = {
  model: string;
  image: string;
  expected: number[];
  actual: number[];
  maxAbsDiff: number;
  argmaxDiffers: boolean;
};

const argmax = (row: readonly number[]): number => row.reduce((best, v, i) => (v > row[best]! ? i : best), 0);

/** Reads `<dir>/expected.json`; undefined when the file does not exist. */
export function loadParityFixtures(dir: string): ParityFixtures | undefined {
  const path = join(dir, 'expected.json');
  if (!existsSync(path)) return undefined;
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new VisionError('MANIFEST_INVALID', `${path}: not JSON: ${(error as Error).message}`, { cause: error });
  }
  const parsed = ExpectedSchema.safeParse(json);
  if (!parsed.success) {
    throw new VisionError(
      'MANIFEST_INVALID',
      `${path}: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
    );
  }
  const data = parsed.data;
  const images = data.images.map((image) => (typeof image === 'string' ? image : image.file));
  const check = (key: string, rows: Record<string, number[][]>): Map<string, number[][]> => {
    for (const [model, r] of Object.entries(rows)) {
      if (r.length !== images.length)
        throw new VisionError(
          'MANIFEST_INVALID',
          `${path}: ${key}.${model} has ${r.length} rows for ${images.length} images`,
        );
    }
    return new Map(Object.entries(rows));
  };
  const source = check('logits', data.logits);
  const reference =
    data.onnxruntimeLogits !== undefined
      ? new Map([...source, ...check('onnxruntimeLogits', data.onnxruntimeLogits)])
      : source;
  const tolerance =
    typeof data.tolerance === 'number' ? data.tolerance : (data.tolerance?.fp32MaxAbsDiff ?? DEFAULT_PARITY_TOLERANCE);
  return { dir, tolerance, images, reference };
}

/** Runs `classifier` on every fixture PNG in one batch; lists the crops whose logits differ beyond the tolerance or whose label differs. */
export async function compareParity(
  classifier: MaskClassifier,
  fixtures: ParityFixtures,
  model: string = classifier.model.name,
): Promise<ParityMismatch[]> {
  const expected = fixtures.reference.get(model);
  if (expected === undefined) {
    throw new VisionError(
      'MODEL_NOT_FOUND',
      `${join(fixtures.dir, 'expected.json')} has no logits for model "${model}"`,
    );
  }
  const crops = await Promise.all(fixtures.images.map((image) => decodeImage(join(fixtures.dir, image))));
  const actual = await classifier.logits(crops);
  const mismatches: ParityMismatch[] = [];
  fixtures.images.forEach((image, i) => {
    const want = expected[i]!;
    const got = actual[i]!;
    const maxAbsDiff = want.length !== got.length ? Infinity : Math.max(...want.map((w, k) => Math.abs(w - got[k]!)));
    const sorted = [...want].sort((a, b) => b - a);
    const clearWinner = sorted.length < 2 || sorted[0]! - sorted[1]! > 2 * fixtures.tolerance;
    const argmaxDiffers = clearWinner && argmax(got) !== argmax(want);
    if (!(maxAbsDiff <= fixtures.tolerance) || argmaxDiffers)
      mismatches.push({ model, image, expected: want, actual: got, maxAbsDiff, argmaxDiffers });
  });
  return mismatches;
}

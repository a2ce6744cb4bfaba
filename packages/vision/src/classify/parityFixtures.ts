import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

import { z } from 'zod';

import { decodeImage } from '../image/decodeImage.ts';
import { VisionError } from '../VisionError.ts';
import type { MaskClassifier } from './MaskClassifier.ts';

// models/fixtures/parity/expected.json, written by the Python export: the logits its onnxruntime gave for each
// PNG crop (size x size, RGB) of the folder. Two shapes are accepted:
//   {"tolerance"?: 0.001, "models": {"<model>": {"<file.png>": [logit, ...]}}}
//   {"tolerance"?: 0.001, "images": ["<file.png>", ...], "logits": {"<model>": [[logit, ...], ...]}}
const Logits = z.array(z.number().finite()).min(1);
const ByFile = z.object({ tolerance: z.number().positive().optional(), models: z.record(z.string(), z.record(z.string(), Logits)) });
const ByIndex = z.object({
  tolerance: z.number().positive().optional(),
  images: z.array(z.string().min(1)).min(1),
  logits: z.record(z.string(), z.array(Logits)),
});
const ExpectedSchema = z.union([ByFile, ByIndex]);

export const DEFAULT_PARITY_TOLERANCE = 1e-3;

export type ParityFixtures = {
  dir: string;
  tolerance: number;
  /** model name -> png file name -> logits */
  models: Map<string, Map<string, number[]>>;
};

export type ParityMismatch = { model: string; image: string; expected: number[]; actual: number[]; maxAbsDiff: number };

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
    throw new VisionError('MANIFEST_INVALID', `${path}: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  }
  const data = parsed.data;
  const models = new Map<string, Map<string, number[]>>();
  if ('models' in data) {
    for (const [model, files] of Object.entries(data.models)) models.set(model, new Map(Object.entries(files)));
  } else {
    for (const [model, rows] of Object.entries(data.logits)) {
      if (rows.length !== data.images.length) {
        throw new VisionError('MANIFEST_INVALID', `${path}: logits.${model} has ${rows.length} rows for ${data.images.length} images`);
      }
      models.set(model, new Map(data.images.map((image, i) => [image, rows[i]!])));
    }
  }
  return { dir, tolerance: data.tolerance ?? DEFAULT_PARITY_TOLERANCE, models };
}

/** Runs `classifier` on every fixture PNG of `model` in one batch and lists the logits that differ by more than the tolerance. */
export async function compareParity(classifier: MaskClassifier, fixtures: ParityFixtures, model: string = classifier.model.name): Promise<ParityMismatch[]> {
  const expected = fixtures.models.get(model);
  if (expected === undefined || expected.size === 0) {
    throw new VisionError('MODEL_NOT_FOUND', `${join(fixtures.dir, 'expected.json')} has no logits for model "${model}"`);
  }
  const images = [...expected.keys()];
  const crops = await Promise.all(images.map((image) => decodeImage(join(fixtures.dir, image))));
  const actual = await classifier.logits(crops);
  const mismatches: ParityMismatch[] = [];
  images.forEach((image, i) => {
    const want = expected.get(image)!;
    const got = actual[i]!;
    const maxAbsDiff = want.length !== got.length ? Infinity : Math.max(...want.map((w, k) => Math.abs(w - got[k]!)));
    if (!(maxAbsDiff <= fixtures.tolerance)) mismatches.push({ model, image, expected: want, actual: got, maxAbsDiff });
  });
  return mismatches;
}

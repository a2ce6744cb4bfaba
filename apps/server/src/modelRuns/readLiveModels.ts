import { readFile } from 'node:fs/promises';
import { isAbsolute, relative } from 'node:path';
import { z } from 'zod';
import { MaskwatchError } from '@maskwatch/protocol/errors';
import type { LiveModel, LiveModelsResponse } from '@maskwatch/protocol/modelRuns';
import { REPO_ROOT } from '../config/Config.ts';

// Only the keys the models page shows; the full schema (and the sha256 check of the files) belongs to
// packages/vision, which the nodes load. Unknown keys pass, so the models pipeline can add fields.
const EntrySchema = z.looseObject({
  task: z.string(),
  file: z.string(),
  sha256: z.string(),
  metrics: z.record(z.string(), z.unknown()).optional(),
  trainingRun: z.string().optional(),
  operatingPoint: z.record(z.string(), z.unknown()).optional(),
});
const ManifestSchema = z.looseObject({
  models: z.record(z.string(), EntrySchema),
  default: z.object({ classifier: z.string().optional(), detector: z.string().optional() }).optional(),
});

/**
 * The classifier and detector the system runs (the manifest's defaults), with their sha256, metrics and operating
 * point. Read on each call: a retrained model shows without a restart.
 */
export async function readLiveModels(manifestPath: string): Promise<LiveModelsResponse> {
  let json: unknown;
  try {
    json = JSON.parse(await readFile(manifestPath, 'utf8'));
  } catch (error) {
    throw new MaskwatchError('unavailable', `cannot read the model manifest: ${(error as Error).message}`);
  }
  const parsed = ManifestSchema.safeParse(json);
  if (!parsed.success) throw new MaskwatchError('unavailable', 'the model manifest is not valid');
  const manifest = parsed.data;
  const models: LiveModel[] = [];
  for (const role of ['classifier', 'detector'] as const) {
    const name = manifest.default?.[role];
    const entry = name === undefined ? undefined : manifest.models[name];
    if (name === undefined || !entry) continue;
    models.push({
      role,
      name,
      sha256: entry.sha256,
      file: entry.file,
      trainingRun: entry.trainingRun ?? null,
      metrics: entry.metrics ?? null,
      operatingPoint: entry.operatingPoint ?? null,
    });
  }
  const inRepo = relative(REPO_ROOT, manifestPath);
  return { manifest: inRepo.startsWith('..') || isAbsolute(inRepo) ? manifestPath : inRepo, models };
}

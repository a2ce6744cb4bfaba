/**
 * REST bodies of the models page: the training runs the database keeps (`GET /api/training-runs`, one with
 * `GET /api/training-runs/:id`) and the model the system runs now (`GET /api/models/live`, from the manifest).
 */
import { z } from 'zod';
import { TrainingRunSchema } from './training.ts';

/** A run without its per-epoch and system series: what the list shows. */
export const TrainingRunSummarySchema = TrainingRunSchema.pick({
  id: true,
  model: true,
  status: true,
  startedAt: true,
  finishedAt: true,
}).extend({
  epochs: z.number().int().nonnegative(),
  accuracy: z.number().nullable(),
  maskVsNoMaskAccuracy: z.number().nullable(),
  bestValAcc: z.number().nullable(),
});
export type TrainingRunSummary = z.infer<typeof TrainingRunSummarySchema>;

export const TrainingRunListResponseSchema = z.object({ runs: z.array(TrainingRunSummarySchema) });
export type TrainingRunListResponse = z.infer<typeof TrainingRunListResponseSchema>;

export const TrainingRunResponseSchema = z.object({ run: TrainingRunSchema });
export type TrainingRunResponse = z.infer<typeof TrainingRunResponseSchema>;

/** Training run ids as `models/` names its folders. */
export const TrainingRunIdSchema = z
  .string()
  .min(1)
  .max(128)
  .regex(/^[A-Za-z0-9_.-]+$/, 'letters, digits, _ . and - only');

/**
 * One point of a run's system usage over time (`models/runs/<id>/system.jsonl`, imported into `run.system.series`):
 * `t` in seconds since epoch, then whatever figures the trainer recorded (cpuPercent, rssMb, gpu...).
 */
export const SystemPointSchema = z.object({ t: z.number() }).catchall(z.number());
export type SystemPoint = z.infer<typeof SystemPointSchema>;

export const LiveModelSchema = z.object({
  /** `classifier` or `detector`. */
  role: z.enum(['classifier', 'detector']),
  name: z.string(),
  sha256: z.string(),
  file: z.string(),
  trainingRun: z.string().nullable(),
  metrics: z.record(z.string(), z.unknown()).nullable(),
  /** The calibrated operating point (temperature, thresholds) the labels and alerts use, when the manifest has one. */
  operatingPoint: z.record(z.string(), z.unknown()).nullable(),
});
export type LiveModel = z.infer<typeof LiveModelSchema>;

export const LiveModelsResponseSchema = z.object({
  /** The manifest the server read. */
  manifest: z.string(),
  models: z.array(LiveModelSchema),
});
export type LiveModelsResponse = z.infer<typeof LiveModelsResponseSchema>;

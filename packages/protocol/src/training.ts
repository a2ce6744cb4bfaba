/** A training run as `models/` records it in `models/runs/<id>/run.json` and the database keeps it. */
import { z } from 'zod';

const PerClassSchema = z.object({ precision: z.number(), recall: z.number(), f1: z.number(), support: z.number() });

export const TrainingRunSchema = z.object({
  id: z.string().min(1),
  model: z.string().min(1),
  status: z.enum(['running', 'completed', 'failed']),
  startedAt: z.string(),
  finishedAt: z.string().nullable(),
  params: z.record(z.string(), z.unknown()),
  epochs: z.array(
    z.object({
      epoch: z.number().int(),
      trainLoss: z.number(),
      trainAcc: z.number(),
      valLoss: z.number(),
      valAcc: z.number(),
      lr: z.number(),
      seconds: z.number(),
    }),
  ),
  final: z
    .object({
      accuracy: z.number(),
      maskVsNoMaskAccuracy: z.number().optional(),
      labels: z.array(z.string()),
      perClass: z.record(z.string(), PerClassSchema),
      confusion: z.array(z.array(z.number())),
    })
    .nullable(),
  system: z.looseObject({}).nullable().optional(),
  artifacts: z.record(z.string(), z.string()).optional(),
});
export type TrainingRun = z.infer<typeof TrainingRunSchema>;

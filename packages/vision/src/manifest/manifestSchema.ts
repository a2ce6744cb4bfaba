import { z } from 'zod';
import { MASK_LABELS } from '@maskwatch/protocol/faces';

// The format is written by the Python export (models/). Unknown keys are dropped rather than rejected so that
// the Python side can add fields without breaking every Node process; the keys read here are checked strictly.

export const ModelInputSchema = z.object({
  /** [height, width] of the input tensor; for a detector with `sizeMultiple` it is only the nominal size. */
  size: z.tuple([z.number().int().positive(), z.number().int().positive()]),
  layout: z.literal('NCHW'),
  pixelFormat: z.enum(['RGB', 'BGR']),
  /** Tensor value = pixel (0..255) * scale + offset. */
  normalize: z.object({ scale: z.number().finite(), offset: z.number().finite() }),
  /** Dynamic input: height and width must be multiples of this (YuNet: 32). */
  sizeMultiple: z.number().int().positive().optional(),
});
export type ModelInput = z.infer<typeof ModelInputSchema>;

/**
 * A classifier's calibrated operating point (issue 7, written by models/maskwatch_models/calibrate.py): labels come
 * from p = softmax(logits / temperature): `mask` when p(mask) >= maskThreshold (τ), else `incorrect` when
 * p(incorrect) >= incorrectRatio · p(no_mask), else `no_mask` (classify/decideLabel.ts).
 */
export const OperatingPointSchema = z.object({
  temperature: z.number().positive().optional(),
  maskThreshold: z.number().min(0).max(1).optional(),
  incorrectRatio: z.number().positive().optional(),
  /** The alert rule raises only on a track whose voted confidence reaches this. */
  alertMinScore: z.number().min(0).max(1).optional(),
  /** Where and when it was chosen, e.g. "scene-like validation 2026-12-02". */
  chosenOn: z.string().optional(),
  /** On that set (faces of 28 px and up): share of non-compliant faces alerted, of masked faces alerted. */
  alertedNonCompliant: z.number().min(0).max(1).optional(),
  falselyAlertedMasked: z.number().min(0).max(1).optional(),
});
export type OperatingPoint = z.infer<typeof OperatingPointSchema>;

export const ModelTaskSchema = z.enum(['classify', 'detect']);
export type ModelTask = z.infer<typeof ModelTaskSchema>;

export const ModelEntrySchema = z
  .object({
    task: ModelTaskSchema,
    /** Path relative to the repository root. */
    file: z.string().min(1),
    sha256: z.string().regex(/^[0-9a-fA-F]{64}$/, 'must be 64 hex digits'),
    input: ModelInputSchema,
    labels: z.array(z.string().min(1)).min(1),
    metrics: z.record(z.string(), z.unknown()).optional(),
    trainingRun: z.string().optional(),
    operatingPoint: OperatingPointSchema.optional(),
  })
  .superRefine((entry, ctx) => {
    if (entry.task !== 'classify') return;
    const known: readonly string[] = MASK_LABELS;
    entry.labels.forEach((label, i) => {
      if (!known.includes(label)) {
        ctx.addIssue({
          code: 'custom',
          path: ['labels', i],
          message: `unknown label "${label}" (known: ${MASK_LABELS.join(', ')})`,
        });
      }
    });
    if (new Set(entry.labels).size !== entry.labels.length) {
      ctx.addIssue({ code: 'custom', path: ['labels'], message: 'labels must be unique' });
    }
  });
export type ModelEntry = z.infer<typeof ModelEntrySchema>;

export const ManifestSchema = z
  .object({
    version: z.literal(1),
    models: z.record(z.string().min(1), ModelEntrySchema),
    default: z.object({ classifier: z.string().min(1).optional(), detector: z.string().min(1).optional() }).default({}),
  })
  .superRefine((manifest, ctx) => {
    const check = (key: 'classifier' | 'detector', task: ModelTask): void => {
      const name = manifest.default[key];
      if (name === undefined) return;
      const entry = manifest.models[name];
      if (entry === undefined) {
        ctx.addIssue({ code: 'custom', path: ['default', key], message: `names "${name}", which is not in models` });
      } else if (entry.task !== task) {
        ctx.addIssue({
          code: 'custom',
          path: ['default', key],
          message: `"${name}" has task "${entry.task}", expected "${task}"`,
        });
      }
    };
    check('classifier', 'classify');
    check('detector', 'detect');
  });
export type Manifest = z.infer<typeof ManifestSchema>;

import { z } from 'zod';

/** Classifier labels, in the order of the model's output. */
export const MASK_LABELS = ['mask', 'no_mask', 'incorrect'] as const;
export const MaskLabelSchema = z.enum(MASK_LABELS);
export type MaskLabel = z.infer<typeof MaskLabelSchema>;

/** [x1, y1, x2, y2] in pixels of the frame the face was found in. */
export const BoxSchema = z.tuple([z.number(), z.number(), z.number(), z.number()]);
export type Box = z.infer<typeof BoxSchema>;

/** One classified face, as the detect CLI prints it and the server sends it. */
export const FaceSchema = z.object({
  box: BoxSchema,
  label: MaskLabelSchema,
  score: z.number().min(0).max(1),
  /** Detector confidence. */
  detScore: z.number().min(0).max(1).optional(),
  /** Stable id of the same person across frames (set by the tracker). */
  trackId: z.number().int().nonnegative().optional(),
});
export type Face = z.infer<typeof FaceSchema>;

/** Results for one frame of one camera: the seam between inference and every viewer. */
export const FrameResultSchema = z.object({
  cameraId: z.string(),
  /** Capture time of the frame, ms since epoch. */
  ts: z.number(),
  width: z.number().int().positive(),
  height: z.number().int().positive(),
  faces: z.array(FaceSchema),
  timings: z.object({ detectMs: z.number(), classifyMs: z.number(), totalMs: z.number() }).partial(),
});
export type FrameResult = z.infer<typeof FrameResultSchema>;

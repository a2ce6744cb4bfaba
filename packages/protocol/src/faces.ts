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
  /** This frame's label (the calibrated operating point of the model applied to this frame alone). */
  label: MaskLabelSchema,
  score: z.number().min(0).max(1),
  /** Detector confidence. */
  detScore: z.number().min(0).max(1).optional(),
  /** Stable id of the same person across frames of one camera (set by the tracker). */
  trackId: z.number().int().nonnegative().optional(),
  /**
   * The tracker's own number for the same track from its first frame on (before it has its `trackId`, which waits
   * until the track is confirmed); not shown to people. The alert rule counts a track's frames by it.
   */
  trackKey: z.number().int().nonnegative().optional(),
  /**
   * The track's label: a vote over its recent frames, null until the track has enough observations that agree.
   * This is what viewers show and what alerts are raised on; `label` alone flickers.
   */
  trackLabel: MaskLabelSchema.nullable().optional(),
  /** Confidence of `trackLabel` (the voted share times the mean score of the agreeing frames). */
  trackScore: z.number().min(0).max(1).nullable().optional(),
  /** Frames the track has been seen in so far. */
  trackAge: z.number().int().nonnegative().optional(),
  /**
   * The track's look (colour histograms of the upper face and the clothes, quantised 0..255: packages/vision
   * track/appearance.ts), from the inference node to the server's alert rule, which recognises by it (and by
   * position) a person it alerted on who comes back under another track id. Not sent on to viewers.
   */
  appearance: z.array(z.number().int().min(0).max(255)).max(128).optional(),
});
export type Face = z.infer<typeof FaceSchema>;

/**
 * Where the time of one analysed frame went, in ms. `ts` of the result is the capture time on the server's
 * clock; these are the stages after it, in order.
 */
export const FrameTimingsSchema = z
  .object({
    /** From capture (the frame passing through the SFU) to its decoded picture reaching the inference node. */
    decodeMs: z.number(),
    /** Waiting for the analysis worker (the newest frame wins; older ones are dropped, not queued). */
    queueMs: z.number(),
    detectMs: z.number(),
    classifyMs: z.number(),
    trackMs: z.number(),
    /** Capture to the result leaving the inference node. */
    totalMs: z.number(),
    /** Capture to the server pushing the result to viewers (set by the server). */
    emitMs: z.number(),
  })
  .partial();
export type FrameTimings = z.infer<typeof FrameTimingsSchema>;

/** Results for one frame of one camera: the seam between inference and every viewer. */
export const FrameResultSchema = z.object({
  cameraId: z.string().min(1).max(64),
  /** Capture time of the frame on the server's clock, ms since epoch. */
  ts: z.number(),
  /** Increases by one per analysed frame of this camera on its node (restarts from 0 on another node). */
  seq: z.number().int().nonnegative().optional(),
  width: z.number().int().positive(),
  height: z.number().int().positive(),
  faces: z.array(FaceSchema).max(256),
  timings: FrameTimingsSchema,
  /** The inference node that analysed it. */
  nodeId: z.string().max(64).optional(),
  /** Tracks that ended with this frame (the person left the picture): their last voted label. */
  endedTracks: z
    .array(
      z.object({
        trackId: z.number().int().nonnegative(),
        trackKey: z.number().int().nonnegative().optional(),
        label: MaskLabelSchema.nullable(),
        /** When the track was last seen (capture time, server clock). */
        lastSeen: z.number(),
      }),
    )
    .max(256)
    .optional(),
});
export type FrameResult = z.infer<typeof FrameResultSchema>;

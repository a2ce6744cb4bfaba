/**
 * Run-time metrics as the console sees them: one sample of the whole system every few seconds, kept by the server
 * in a bounded history (`GET /api/metrics/history`) and pushed to subscribed pages (`metrics:update`). The same
 * figures are exported in Prometheus format on `GET /metrics` (names there follow Prometheus conventions; here
 * they are shaped for the page: ratios 0..1, bytes, ms).
 */
import { z } from 'zod';
import { AnalysisStatusSchema, CameraIdSchema, CameraStatusSchema } from './camera.ts';

/** One sample every 5 s; one hour of them. */
export const METRICS_INTERVAL_MS = 5000;
export const METRICS_HISTORY_CAPACITY = 720;

const ratio = z.number().min(0).max(1);
const nonNegative = z.number().nonnegative();

export const HostSampleSchema = z.object({
  /** Busy share of all cores over the last interval. */
  cpu: ratio,
  cores: z.number().int().positive(),
  memoryUsedBytes: nonNegative,
  memoryTotalBytes: nonNegative,
  /** One-minute load average (0 where the platform has none). */
  load1: nonNegative,
});
export type HostSample = z.infer<typeof HostSampleSchema>;

export const PROCESS_KINDS = ['server', 'mediasoup-worker', 'inference-node'] as const;
export const ProcessKindSchema = z.enum(PROCESS_KINDS);

export const ProcessSampleSchema = z.object({
  /** Stable across samples: `server`, `worker-<slot>`, `node-<nodeId>`. */
  id: z.string().min(1).max(80),
  kind: ProcessKindSchema,
  /** Cores used over the last interval (1 = one core fully busy). */
  cpu: nonNegative,
  rssBytes: nonNegative.nullable(),
  /** GPU memory the process holds (nvidia-smi), when known. */
  gpuMemoryBytes: nonNegative.nullable(),
});
export type ProcessSample = z.infer<typeof ProcessSampleSchema>;

export const GpuSampleSchema = z.object({
  index: z.number().int().nonnegative(),
  name: z.string().max(128),
  utilisation: ratio,
  memoryUsedBytes: nonNegative,
  memoryTotalBytes: nonNegative,
  temperatureCelsius: z.number().nullable(),
  powerWatts: nonNegative.nullable(),
});
export type GpuSample = z.infer<typeof GpuSampleSchema>;

export const CameraSampleSchema = z.object({
  cameraId: CameraIdSchema,
  name: z.string().max(64),
  status: CameraStatusSchema,
  analysis: AnalysisStatusSchema,
  nodeId: z.string().max(64).nullable(),
  /** Decoded frames per second on the node (null: no node reports this camera). */
  inputFps: nonNegative.nullable(),
  /** Analysed frames per second on the node. */
  analysedFps: nonNegative.nullable(),
  /** Results the server pushed to viewers per second over the last interval. */
  resultsFps: nonNegative,
  /** Frames dropped since the camera was assigned to its node, all reasons. */
  dropped: z.number().int().nonnegative().nullable(),
  droppedByReason: z.record(z.string().max(32), z.number().int().nonnegative()),
  /** Capture to the result reaching viewers, over the last interval. */
  latencyP50Ms: nonNegative.nullable(),
  latencyP95Ms: nonNegative.nullable(),
  /** Faces in the latest result. */
  faces: z.number().int().nonnegative().nullable(),
  /** How long the camera's latest analysis start took from the camera going live to its first result. */
  firstResultMs: nonNegative.nullable().default(null),
});
export type CameraSample = z.infer<typeof CameraSampleSchema>;

export const InferenceNodeSampleSchema = z.object({
  nodeId: z.string().max(64),
  framesPerSecond: nonNegative,
  busy: ratio,
  cameras: z.number().int().nonnegative(),
  /** Analysed frames per second the node could still take (negative: over capacity); null if it does not say. */
  headroomFps: z.number().nullable().default(null),
});
export type InferenceNodeSample = z.infer<typeof InferenceNodeSampleSchema>;

export const MetricsSampleSchema = z.object({
  /** Server clock, ms since epoch. */
  at: z.number(),
  host: HostSampleSchema,
  processes: z.array(ProcessSampleSchema).max(512),
  gpus: z.array(GpuSampleSchema).max(64),
  cameras: z.array(CameraSampleSchema).max(512),
  inference: z.object({
    /** Analysed frames per second, all nodes together. */
    framesPerSecond: nonNegative,
    nodes: z.array(InferenceNodeSampleSchema).max(256),
  }),
  media: z.object({
    sockets: z.object({ camera: z.number().int().nonnegative(), viewer: z.number().int().nonnegative() }),
    producers: z.number().int().nonnegative(),
    consumers: z.number().int().nonnegative(),
  }),
  /** Faces in view now, all cameras, by their track's label (`undecided` until the vote is in). */
  facesInView: z.object({
    mask: z.number().int().nonnegative(),
    no_mask: z.number().int().nonnegative(),
    incorrect: z.number().int().nonnegative(),
    undecided: z.number().int().nonnegative(),
  }),
});
export type MetricsSample = z.infer<typeof MetricsSampleSchema>;

/** `GET /api/metrics/history?since=<ms>`: samples newer than `since` (all kept ones without it), oldest first. */
export const MetricsHistoryQuerySchema = z
  .object({ since: z.coerce.number().finite().nonnegative().optional() })
  .strict();
export const MetricsHistoryResponseSchema = z.object({
  intervalMs: z.number().int().positive(),
  capacity: z.number().int().positive(),
  samples: z.array(MetricsSampleSchema),
});
export type MetricsHistoryResponse = z.infer<typeof MetricsHistoryResponseSchema>;

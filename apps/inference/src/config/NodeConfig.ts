import { existsSync, readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { parseEnv } from '@maskwatch/common/config/parseEnv';
import { stopDeadlineMs, stopGrace } from '@maskwatch/common/process/stopGrace';
import { readInferenceSecret } from '@maskwatch/common/inferenceSecret';
import { NodeIdSchema } from '@maskwatch/protocol/inference';
import { FaceShapeOptionsSchema, type ResolvedFaceShape } from '@maskwatch/vision/detect/faceShape';
import { FaceTrackerOptionsSchema } from '@maskwatch/vision/track/FaceTracker';
import type { FaceTrackerOptions } from '@maskwatch/vision/track/FaceTrackerTypes';

/** The repository root (apps/inference/src/config -> ../../../..). */
const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../../..');

const ip = z.union([z.ipv4(), z.ipv6()]);
const onOffAuto = z.enum(['on', 'off', 'auto']);

/** A JSON object in a variable, then checked by `schema`. */
function jsonOf<S extends z.ZodType>(schema: S) {
  return z
    .string()
    .transform((text, ctx) => {
      try {
        return JSON.parse(text) as unknown;
      } catch {
        ctx.addIssue({ code: 'custom', message: 'is not JSON (e.g. {"maxLostMs": 4000})' });
        return z.NEVER;
      }
    })
    .pipe(schema);
}

/**
 * Every environment variable an inference node reads, with its default. The server's own variables (host, port,
 * TLS, data folder) are read too, so that a node started beside the server with the same environment finds it.
 */
const EnvSchema = z
  .object({
    /** The server, e.g. https://10.0.0.2:3000; default: derived from MASKWATCH_HOST/PORT/TLS as the server does. */
    MASKWATCH_SERVER_URL: z.url({ protocol: /^https?$/ }).optional(),
    /** PEM file of the server's certificate for https (default: the server's self-signed one under the data dir). */
    MASKWATCH_SERVER_CA: z.string().min(1).optional(),
    MASKWATCH_HOST: ip.default('0.0.0.0'),
    MASKWATCH_PORT: z.coerce.number().int().min(1).max(65535).default(3000),
    MASKWATCH_TLS: onOffAuto.default('auto'),
    MASKWATCH_TLS_CERT: z.string().min(1).optional(),
    MASKWATCH_DATA_DIR: z.string().min(1).default(join(REPO_ROOT, 'data')),
    /** The shared secret; default: `<data dir>/inference.secret`, made by the server at its first start. */
    MASKWATCH_INFERENCE_SECRET: z.string().min(16).max(256).optional(),
    MASKWATCH_NODE_ID: NodeIdSchema.optional(),
    MASKWATCH_NODE_NAME: z.string().trim().min(1).max(64).optional(),
    /** The address the server sends this node's RTP to. */
    MASKWATCH_NODE_RTP_HOST: ip.default('127.0.0.1'),
    /**
     * UDP ports for the decoders' RTP/RTCP pairs, `min-max`. Outside Linux's ephemeral range (32768-60999 by
     * default): a port found free there can be taken by any outgoing socket before ffmpeg binds it.
     */
    MASKWATCH_NODE_RTP_PORTS: z
      .string()
      .regex(/^\d+-\d+$/, 'min-max, e.g. 61000-61999')
      .default('61000-61999')
      .transform((value) => {
        const [min, max] = value.split('-').map(Number) as [number, number];
        return { min, max };
      })
      .refine(({ min, max }) => min >= 1024 && max <= 65535 && max - min >= 3, 'a range of at least 4 ports in 1024-65535'),
    /**
     * Cameras one node takes. Past its capacity a node shares its frames fairly (every camera slower), which beats
     * leaving cameras without analysis; the server moves cameras to another node when there is one.
     */
    MASKWATCH_NODE_MAX_CAMERAS: z.coerce.number().int().min(1).max(256).default(32),
    /** Frames analysed together (across cameras): larger batches analyse more per second, each frame waits longer. */
    MASKWATCH_ANALYSIS_MAX_BATCH: z.coerce.number().int().min(1).max(64).default(8),
    /** Analysed frames per second per camera. */
    MASKWATCH_ANALYSIS_FPS: z.coerce.number().min(0.2).max(30).default(5),
    /** Longest side of the analysed frames: a camera's own resolution up to this (small faces stay visible). */
    MASKWATCH_ANALYSIS_MAX_SIDE: z.coerce.number().int().min(160).max(4096).default(1920),
    /** Longest side of the detector's input in a full-frame pass (larger frames are scaled down to it). */
    MASKWATCH_DETECTOR_INPUT: z.coerce.number().int().min(160).max(4096).default(960),
    /**
     * Smallest face (pixels of the analysed frame) a full-frame pass looks for: where the scaled-down pass would
     * shrink such faces below the detector's range, a second pass over tiles at full resolution finds them.
     */
    MASKWATCH_MIN_FACE: z.coerce.number().int().min(8).max(512).default(20),
    /** A full-frame pass at least every this many seconds; between them the detector looks where faces were and where the picture moved (0: every frame full). */
    MASKWATCH_FULL_FRAME_S: z.coerce.number().min(0).max(60).default(2),
    /** Motion gating: frames where nothing moved and no face was seen lately are not looked at. */
    MASKWATCH_MOTION: z.enum(['on', 'off']).default('on'),
    /** A steady, confidently classified face is classified again every this many analysed frames (1: every frame). */
    MASKWATCH_RECLASSIFY_EVERY: z.coerce.number().int().min(1).max(100).default(3),
    /** Classifier by name in models/manifest.json; default: the manifest's default. */
    MASKWATCH_CLASSIFIER: z.string().min(1).optional(),
    MASKWATCH_DETECTOR: z.string().min(1).optional(),
    /** `cuda` falls back to `cpu` with a warning where CUDA cannot be loaded. */
    MASKWATCH_EXECUTION_PROVIDER: z.enum(['cpu', 'cuda']).default('cpu'),
    /** Decoders on NVDEC (H.264): `auto` where a CUDA device opens, `cuda` (a warning and the CPU where none does), `none`. */
    MASKWATCH_DECODER_HWACCEL: z.enum(['none', 'cuda', 'auto']).default('auto'),
    /** Threads of each ONNX session (0: onnxruntime decides). */
    MASKWATCH_INFERENCE_THREADS: z.coerce.number().int().min(0).max(256).default(0),
    MASKWATCH_FFMPEG: z.string().min(1).default('ffmpeg'),
    /**
     * Boxes that do not have a face's shape (aspect, landmarks) are dropped before tracking: `on` (the defaults of
     * packages/vision detect/faceShape.ts), `off`, or JSON of its options, e.g. {"minAspect": 0.5}.
     */
    MASKWATCH_FACE_SHAPE: z
      .union([z.enum(['on', 'off']), jsonOf(FaceShapeOptionsSchema)])
      .default('on')
      .transform((value): ResolvedFaceShape | null =>
        value === 'off' ? null : value === 'on' ? FaceShapeOptionsSchema.parse({}) : value,
      ),
    /** Tracker options as JSON (packages/vision track/FaceTrackerTypes.ts), e.g. {"maxLostMs": 4000}. */
    MASKWATCH_TRACKER: jsonOf(FaceTrackerOptionsSchema).optional(),
    /** The node's Prometheus endpoint (`GET /metrics`): port (`off`: none; taken: the node runs without one). */
    MASKWATCH_NODE_METRICS_PORT: z
      .union([z.literal('off'), z.coerce.number().int().min(0).max(65535)])
      .default(9464),
    MASKWATCH_NODE_METRICS_HOST: ip.default('127.0.0.1'),
    /** Other machines may read the metrics with `Authorization: Bearer <token>` (loopback always may). */
    MASKWATCH_METRICS_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
    /** A stop may take this long; the node gives up closing cleanly a second before (as the server does). */
    MASKWATCH_STOP_GRACE_S: stopGrace,
  })
  .strict();

export type NodeConfig = {
  serverUrl: string;
  /** PEM text, for https with a certificate the system does not trust. */
  serverCa: string | undefined;
  secret: string;
  nodeId: string;
  name: string;
  rtpHost: string;
  rtpPorts: { min: number; max: number };
  maxCameras: number;
  maxBatch: number;
  fps: number;
  /** Longest side of the analysed frames. */
  maxSide: number;
  /** Longest side of the detector's input in a full-frame pass. */
  detectorInput: number;
  minFace: number;
  fullFrameMs: number;
  motion: boolean;
  reclassifyEvery: number;
  classifier: string | undefined;
  detector: string | undefined;
  executionProvider: 'cpu' | 'cuda';
  decoderHwaccel: 'none' | 'cuda' | 'auto';
  threads: number;
  ffmpegPath: string;
  /** The face-shape check of detections; null: off. */
  faceShape: ResolvedFaceShape | null;
  /** Tracker options (the vote's operating point comes from the classifier). */
  tracker: FaceTrackerOptions;
  /** Where `GET /metrics` is served; null: not at all. */
  metrics: { host: string; port: number; token: string | undefined } | null;
  /** After a stop signal, closing may take this long; then the process exits anyway. */
  stopDeadlineMs: number;
};

export class NodeConfigError extends Error {
  override readonly name = 'NodeConfigError';
}

const KNOWN = new Set(Object.keys(EnvSchema.shape));

function tlsOn(tls: 'on' | 'off' | 'auto', host: string): boolean {
  if (tls !== 'auto') return tls === 'on';
  return !(host === '127.0.0.1' || host === '::1');
}

/** Reads the node's configuration from `env`; throws NodeConfigError naming each bad variable. */
export function loadNodeConfig(env: Record<string, string | undefined> = process.env, cwd = process.cwd()): NodeConfig {
  const e = parseEnv(EnvSchema, KNOWN, env, (message) => new NodeConfigError(message));
  const abs = (p: string) => (isAbsolute(p) ? p : resolve(cwd, p));
  const dataDir = abs(e.MASKWATCH_DATA_DIR);
  const secret = readInferenceSecret(dataDir, e.MASKWATCH_INFERENCE_SECRET);
  if (!secret) {
    throw new NodeConfigError(
      `no inference secret: set MASKWATCH_INFERENCE_SECRET, or start the server first (it writes ${join(dataDir, 'inference.secret')})`,
    );
  }
  const https = tlsOn(e.MASKWATCH_TLS, e.MASKWATCH_HOST);
  const host = e.MASKWATCH_HOST === '0.0.0.0' || e.MASKWATCH_HOST === '::' ? '127.0.0.1' : e.MASKWATCH_HOST;
  const serverUrl =
    e.MASKWATCH_SERVER_URL ??
    `${https ? 'https' : 'http'}://${host.includes(':') ? `[${host}]` : host}:${e.MASKWATCH_PORT}`;
  const caPath = e.MASKWATCH_SERVER_CA
    ? abs(e.MASKWATCH_SERVER_CA)
    : e.MASKWATCH_TLS_CERT
      ? abs(e.MASKWATCH_TLS_CERT)
      : join(dataDir, 'tls', 'cert.pem');
  const serverCa = serverUrl.startsWith('https:') && existsSync(caPath) ? readFileSync(caPath, 'utf8') : undefined;
  return {
    serverUrl,
    serverCa,
    secret,
    nodeId: e.MASKWATCH_NODE_ID ?? `${hostname().replace(/[^A-Za-z0-9_.-]/g, '-').slice(0, 40)}-${process.pid}`,
    name: e.MASKWATCH_NODE_NAME ?? hostname().slice(0, 64),
    rtpHost: e.MASKWATCH_NODE_RTP_HOST,
    rtpPorts: e.MASKWATCH_NODE_RTP_PORTS,
    // A camera takes a pair of ports (RTP, RTCP): no more cameras than the range has pairs.
    maxCameras: Math.min(e.MASKWATCH_NODE_MAX_CAMERAS, Math.floor((e.MASKWATCH_NODE_RTP_PORTS.max - e.MASKWATCH_NODE_RTP_PORTS.min + 1) / 2)),
    maxBatch: e.MASKWATCH_ANALYSIS_MAX_BATCH,
    fps: e.MASKWATCH_ANALYSIS_FPS,
    maxSide: e.MASKWATCH_ANALYSIS_MAX_SIDE,
    detectorInput: e.MASKWATCH_DETECTOR_INPUT,
    minFace: e.MASKWATCH_MIN_FACE,
    fullFrameMs: e.MASKWATCH_FULL_FRAME_S * 1000,
    motion: e.MASKWATCH_MOTION === 'on',
    reclassifyEvery: e.MASKWATCH_RECLASSIFY_EVERY,
    classifier: e.MASKWATCH_CLASSIFIER,
    detector: e.MASKWATCH_DETECTOR,
    executionProvider: e.MASKWATCH_EXECUTION_PROVIDER,
    decoderHwaccel: e.MASKWATCH_DECODER_HWACCEL,
    threads: e.MASKWATCH_INFERENCE_THREADS,
    ffmpegPath: e.MASKWATCH_FFMPEG,
    faceShape: e.MASKWATCH_FACE_SHAPE,
    tracker: e.MASKWATCH_TRACKER ?? {},
    metrics:
      e.MASKWATCH_NODE_METRICS_PORT === 'off'
        ? null
        : { host: e.MASKWATCH_NODE_METRICS_HOST, port: e.MASKWATCH_NODE_METRICS_PORT, token: e.MASKWATCH_METRICS_TOKEN },
    stopDeadlineMs: stopDeadlineMs(e.MASKWATCH_STOP_GRACE_S),
  };
}

/**
 * The server ↔ inference node contract, on the socket.io namespace `/inference` of the server.
 *
 * A node connects with `auth: InferenceHandshakeAuth` (the shared secret), then sends `node:hello` with its
 * capacity. The server assigns cameras to nodes (`camera:assign`, answered with the node's RTP ports), sends their
 * video there over SRTP (the key travels in `camera:assign`, on this authenticated link), and releases them
 * (`camera:release`). The node sends `node:results` per analysed
 * frame, `node:status` per camera, `node:stats` every few seconds, and asks for key frames (`node:keyframe`).
 *
 * Requests in both directions are answered through their ack with `Ack<T>` (see signalling.ts). `node:results`
 * is the one high-rate message: it has no ack; a refused one is answered with a `server:error` push.
 */
import { z } from 'zod';
import { CameraIdSchema } from './camera.ts';
import { ErrorBodySchema } from './errors.ts';
import { BoxSchema, FrameResultSchema } from './faces.ts';
import type { Ack } from './signalling.ts';

/** Bump on any incompatible change to a schema in this file; a node speaking another version is refused. */
export const INFERENCE_PROTOCOL_VERSION = 2;
export const INFERENCE_NAMESPACE = '/inference';

export const NodeIdSchema = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9_.-]+$/, 'letters, digits, _ . and - only');

export const InferenceHandshakeAuthSchema = z
  .object({
    protocolVersion: z.number().int(),
    /** The shared secret (`<data dir>/inference.secret` or MASKWATCH_INFERENCE_SECRET). */
    secret: z.string().min(16).max(256),
    nodeId: NodeIdSchema,
  })
  .strict();
export type InferenceHandshakeAuth = z.infer<typeof InferenceHandshakeAuthSchema>;

export const ExecutionProviderSchema = z.enum(['cpu', 'cuda']);
export type ExecutionProvider = z.infer<typeof ExecutionProviderSchema>;

/** What a node can take on. */
export const NodeCapacitySchema = z
  .object({
    /** The execution provider the node's sessions actually use (after any fallback). */
    executionProvider: ExecutionProviderSchema,
    maxCameras: z.number().int().min(1).max(256),
    /** Analysed frames per second per camera. */
    fps: z.number().min(0.2).max(30),
    /** Longest side of the frames the node decodes to. */
    frameMaxSide: z.number().int().min(64).max(4096),
    detector: z.string().max(128),
    classifier: z.string().max(128),
    classifierSha256: z.string().regex(/^[0-9a-f]{64}$/),
  })
  .strict();
export type NodeCapacity = z.infer<typeof NodeCapacitySchema>;

/** Decoder state of one camera on a node. */
export const DECODER_STATUSES = ['starting', 'running', 'stalled'] as const;
export const DecoderStatusSchema = z.enum(DECODER_STATUSES);
export type DecoderStatus = z.infer<typeof DecoderStatusSchema>;

/** The RTP stream the server sends a node for one camera: the consumer's parameters, one codec, one encoding. */
export const StreamSchema = z
  .object({
    mimeType: z.enum(['video/VP8', 'video/H264']),
    payloadType: z.number().int().min(0).max(127),
    clockRate: z.number().int().positive(),
    ssrc: z.number().int().nonnegative(),
    /** Codec parameters as in SDP fmtp (`packetization-mode`, `profile-level-id`...). */
    parameters: z.record(z.string(), z.union([z.string(), z.number()])),
  })
  .strict();
export type Stream = z.infer<typeof StreamSchema>;

const Empty = z.object({}).strict();

/**
 * The SRTP suite of the analysis leg: the one both mediasoup and ffmpeg 5.1's RTP demuxer (`a=crypto` in an SDP)
 * support. Packets that fail its HMAC are dropped by the node's decoder, so forged RTP on a decoder port is unusable.
 */
export const ANALYSIS_SRTP_SUITE = 'AES_CM_128_HMAC_SHA1_80';

/** An SRTP master key and salt (30 bytes, base64): what the server's transport encrypts the camera's RTP with. */
export const SrtpParametersSchema = z
  .object({
    cryptoSuite: z.literal(ANALYSIS_SRTP_SUITE),
    keyBase64: z.string().regex(/^[A-Za-z0-9+/]{40}$/, '30 bytes in base64'),
  })
  .strict();
export type SrtpParameters = z.infer<typeof SrtpParametersSchema>;

/** Per-camera counters in node stats (since the camera was assigned to this node). */
export const CameraStatsSchema = z
  .object({
    cameraId: CameraIdSchema,
    status: DecoderStatusSchema,
    /** Decoded frames per second coming out of the decoder (before sampling), over the last stats period. */
    inputFps: z.number().nonnegative(),
    /** Analysed frames per second, over the last stats period. */
    analysedFps: z.number().nonnegative(),
    /** Frames dropped since assignment, by reason (stale: a newer frame replaced it before analysis). */
    dropped: z.record(z.string().max(32), z.number().int().nonnegative()),
    decoderRestarts: z.number().int().nonnegative(),
    /** Analysed frames since assignment by how the detector looked at them: whole, regions of it, not at all. */
    detected: z
      .object({ full: z.number().int().nonnegative(), region: z.number().int().nonnegative(), skipped: z.number().int().nonnegative() })
      .strict()
      .optional(),
    /** Faces classified since assignment, and faces that kept a recent classification of the same face. */
    classified: z.object({ new: z.number().int().nonnegative(), reused: z.number().int().nonnegative() }).strict().optional(),
    /** Size of the latest analysed frame (the camera's own, up to the node's frameMaxSide). */
    frame: z.object({ width: z.number().int().positive(), height: z.number().int().positive() }).strict().optional(),
    /** Times the analysed frames changed size since assignment (a rotated phone, another layer or stream). */
    resolutionChanges: z.number().int().nonnegative().optional(),
  })
  .strict();
export type CameraStats = z.infer<typeof CameraStatsSchema>;

export const NodeStatsSchema = z
  .object({
    /** Node clock, ms since epoch. */
    at: z.number(),
    cameras: z.array(CameraStatsSchema).max(256),
    /** Analysed frames per second over the last period, all cameras together. */
    framesPerSecond: z.number().nonnegative(),
    /** Share of the period the analysis worker was busy, 0..1. */
    busy: z.number().min(0).max(1),
    /**
     * Analysed frames per second the node could still take (what it analysed over its busy share, less what it
     * analyses now, with a safety margin; capped by its free camera slots); negative when it is over capacity.
     */
    headroomFps: z.number().min(-10_000).max(100_000).optional(),
    /** Frames per second its cameras want analysed (the analysed rate, or less where a camera sends fewer). */
    wantedFps: z.number().nonnegative().optional(),
    process: z
      .object({ cpuPercent: z.number().nonnegative(), rssBytes: z.number().nonnegative() })
      .strict(),
  })
  .strict();
export type NodeStats = z.infer<typeof NodeStatsSchema>;

/** Requests a node sends the server. */
export const nodeRequests = {
  'node:hello': {
    request: z
      .object({
        /** Shown to operators. */
        name: z.string().min(1).max(64),
        capacity: NodeCapacitySchema,
        /** The address the server sends this node's RTP to (its own address as the server reaches it). */
        rtpHost: z.union([z.ipv4(), z.ipv6()]),
        /** Build of the node, for the logs. */
        version: z.string().max(64),
      })
      .strict(),
    response: z.object({ nodeId: NodeIdSchema, serverTime: z.number() }),
  },
  /** The node's decoder needs a key frame (it started, restarted, or lost packets it could not recover). */
  'node:keyframe': { request: z.object({ cameraId: CameraIdSchema }).strict(), response: Empty },
  'node:status': {
    request: z
      .object({ cameraId: CameraIdSchema, status: DecoderStatusSchema, detail: z.string().max(300).nullable() })
      .strict(),
    response: Empty,
  },
  'node:stats': { request: NodeStatsSchema, response: Empty },
  /** Clock sync: the node takes the server's clock from the answer and half the round trip. */
  'node:clock': { request: Empty, response: z.object({ now: z.number() }) },
} as const;

export type NodeRequestName = keyof typeof nodeRequests;
export type NodeRequestOf<N extends NodeRequestName> = z.input<(typeof nodeRequests)[N]['request']>;
export type ParsedNodeRequestOf<N extends NodeRequestName> = z.output<(typeof nodeRequests)[N]['request']>;
export type NodeResponseOf<N extends NodeRequestName> = z.output<(typeof nodeRequests)[N]['response']>;

export function isNodeRequestName(name: string): name is NodeRequestName {
  return Object.hasOwn(nodeRequests, name);
}

/** Results of one analysed frame from a node: `seq` is required; the server adds `nodeId` and `timings.emitMs`. */
export const NodeResultSchema = FrameResultSchema.extend({ seq: z.number().int().nonnegative() }).omit({ nodeId: true });
export type NodeResult = z.infer<typeof NodeResultSchema>;

/** Requests the server sends a node (answered through the ack with `Ack<T>`). */
export const serverToNodeRequests = {
  /**
   * Analyse this camera. The node opens two UDP ports (RTP, RTCP = RTP + 1) on `rtpHost`, starts its decoder and
   * answers them; the server then connects its PlainTransport to them and resumes the consumer. The decoder drops
   * (and counts) every packet that fails SRTP authentication with `srtp`.
   */
  'camera:assign': {
    request: z
      .object({
        cameraId: CameraIdSchema,
        /** Shown in node logs. */
        name: z.string().max(64),
        stream: StreamSchema,
        /** Where the server's RTCP comes from (the node's decoder sends its feedback back there). */
        serverRtcp: z.object({ ip: z.union([z.ipv4(), z.ipv6()]), port: z.number().int().min(1).max(65535) }),
        /** The key the camera's RTP is encrypted and authenticated with (fresh per analysis). */
        srtp: SrtpParametersSchema,
      })
      .strict(),
    response: z.object({
      rtpPort: z.number().int().min(1).max(65535),
      rtcpPort: z.number().int().min(1).max(65535),
    }),
  },
  'camera:release': { request: z.object({ cameraId: CameraIdSchema }).strict(), response: Empty },
  /**
   * A JPEG of an analysed frame that the node still holds (it keeps the last few per camera), with `box` drawn
   * and every box in `blur` blurred; plus a small thumbnail of `box`. When frame `seq` is gone and `trackId` is
   * given, the newest held frame showing that track is used instead (its box drawn, the other faces in it
   * blurred): the person is the same, a moment later. `not_found` when neither is held.
   */
  'camera:snapshot': {
    request: z
      .object({
        cameraId: CameraIdSchema,
        seq: z.number().int().nonnegative(),
        box: BoxSchema,
        blur: z.array(BoxSchema).max(256),
        trackId: z.number().int().nonnegative().optional(),
      })
      .strict(),
    response: z.object({
      jpeg: z.instanceof(Uint8Array),
      thumbnail: z.instanceof(Uint8Array),
      width: z.number().int().positive(),
      height: z.number().int().positive(),
    }),
  },
} as const;

export type ServerToNodeRequestName = keyof typeof serverToNodeRequests;
export type ServerToNodeRequestOf<N extends ServerToNodeRequestName> = z.input<
  (typeof serverToNodeRequests)[N]['request']
>;
export type ServerToNodeResponseOf<N extends ServerToNodeRequestName> = z.output<
  (typeof serverToNodeRequests)[N]['response']
>;

/** Pushes the server sends a node without ack. */
export const serverToNodeEvents = {
  'server:error': ErrorBodySchema.extend({ event: z.string().optional() }),
  /**
   * Sent just before the server ends a node's connection: why, and whether the node should connect again (yes
   * after a timeout, for instance a node starved of CPU; no when another connection took over its node id).
   */
  'node:closed': z.object({ reason: z.string(), reconnect: z.boolean() }),
} as const;
export type ServerToNodeEventName = keyof typeof serverToNodeEvents;
export type ServerToNodeEventPayload<N extends ServerToNodeEventName> = z.output<(typeof serverToNodeEvents)[N]>;

/**
 * socket.io typing of the `/inference` namespace, shared by the server's `Namespace<...>` and the node's `io<...>()`
 * (as ClientToServerEvents / ServerToClientEvents are for signalling). Types do not replace parsing: every side still
 * parses what it receives.
 */
export type NodeToServerEvents = {
  [N in NodeRequestName]: (payload: NodeRequestOf<N>, ack: (answer: Ack<NodeResponseOf<N>>) => void) => void;
} & { 'node:results': (result: NodeResult) => void };
export type ServerToNodeEvents = {
  [N in ServerToNodeRequestName]: (
    payload: ServerToNodeRequestOf<N>,
    ack: (answer: Ack<ServerToNodeResponseOf<N>>) => void,
  ) => void;
} & { [N in ServerToNodeEventName]: (payload: ServerToNodeEventPayload<N>) => void };

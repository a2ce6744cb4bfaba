/**
 * socket.io contract: every client request (with its ack) and every server push, as zod schemas.
 * Clients connect with `auth: HandshakeAuth`; each request is answered through its ack with `Ack<T>`.
 */
import { z } from 'zod';
import { alertEvents, alertRequests } from './alerts.ts';
import { CameraIdSchema, CameraNameSchema, CameraViewSchema } from './camera.ts';
import { ErrorBodySchema, type ErrorBody } from './errors.ts';
import { FrameResultSchema } from './faces.ts';
import { MetricsSampleSchema } from './metrics.ts';

/** A request payload larger than this (as JSON) is answered `payload_too_large` without being parsed. */
export const MAX_SIGNALLING_PAYLOAD_BYTES = 64 * 1024;
/** socket.io's transport limit: a frame larger than this closes the connection (socket.io's own behaviour). */
export const MAX_SOCKET_FRAME_BYTES = 1024 * 1024;

/**
 * A viewer connection needs a signed-in user (the session cookie goes with the handshake). A camera connection
 * needs its camera's publish token, or an admin's session, or open enrolment (see auth.ts).
 */
export const HandshakeAuthSchema = z.object({
  protocolVersion: z.number().int(),
  role: z.enum(['camera', 'viewer']),
  token: z.string().max(256).optional(),
});
export type HandshakeAuth = z.infer<typeof HandshakeAuthSchema>;

// mediasoup's own objects are checked in shape here and in depth by mediasoup itself (which throws TypeError).
const DtlsParametersSchema = z.looseObject({
  role: z.enum(['auto', 'client', 'server']).optional(),
  fingerprints: z.array(z.looseObject({ algorithm: z.string(), value: z.string() })).min(1).max(8),
});
const RtpCapabilitiesSchema = z.looseObject({
  codecs: z.array(z.looseObject({ mimeType: z.string(), kind: z.enum(['audio', 'video']) })).max(64).optional(),
  headerExtensions: z.array(z.looseObject({})).max(64).optional(),
});
const RtpParametersSchema = z.looseObject({
  mid: z.string().optional(),
  codecs: z.array(z.looseObject({ mimeType: z.string(), payloadType: z.number().int() })).min(1).max(16),
  headerExtensions: z.array(z.looseObject({})).max(32).optional(),
  encodings: z.array(z.looseObject({})).max(8).optional(),
  rtcp: z.looseObject({}).optional(),
});
const IdSchema = z.string().min(1).max(128);

export const TransportOptionsSchema = z.object({
  id: z.string(),
  iceParameters: z.looseObject({}),
  iceCandidates: z.array(z.looseObject({})),
  dtlsParameters: z.looseObject({}),
});

const Empty = z.object({}).strict();

/** Every request a client may send, with the schema of its payload and of its answer. */
export const clientRequests = {
  /**
   * A browser camera joins and gets the router's capabilities. With a publish token: its own camera (a `name`, if
   * given, must be that camera's). Otherwise (an admin, or open enrolment) by name, created if new.
   */
  'camera:join': {
    request: z.object({ name: CameraNameSchema.optional() }).strict(),
    response: z.object({
      cameraId: CameraIdSchema,
      name: CameraNameSchema,
      routerRtpCapabilities: z.looseObject({}),
    }),
  },
  /**
   * The router's capabilities, without taking a camera: a camera page asks on load, so that its media device is
   * ready before the tap on "Start camera" (loading it takes a few hundred ms of a phone's time).
   */
  'camera:prepare': {
    request: Empty,
    response: z.object({ routerRtpCapabilities: z.looseObject({}) }),
  },
  'camera:produce': {
    request: z
      .object({ transportId: IdSchema, kind: z.enum(['audio', 'video']), rtpParameters: RtpParametersSchema })
      .strict(),
    response: z.object({ producerId: z.string() }),
  },
  /** The camera page's on-device detector: how many faces are in view now. */
  'camera:faces': {
    request: z.object({ count: z.number().int().min(0).max(100) }).strict(),
    response: Empty,
  },
  'viewer:join': {
    request: Empty,
    response: z.object({ routerRtpCapabilities: z.looseObject({}), cameras: z.array(CameraViewSchema) }),
  },
  /** Consumers are created paused; the viewer resumes once its track is attached. */
  'viewer:consume': {
    request: z.object({ cameraId: CameraIdSchema, transportId: IdSchema, rtpCapabilities: RtpCapabilitiesSchema }).strict(),
    response: z.object({
      consumerId: z.string(),
      producerId: z.string(),
      kind: z.enum(['audio', 'video']),
      rtpParameters: z.looseObject({}),
      /** The camera's video converted for this browser (it cannot receive the camera's own codec or profile). */
      transcoded: z.boolean(),
      /** The camera's own video format, in words ("H.264 High"). */
      format: z.string(),
    }),
  },
  'viewer:resume': { request: z.object({ consumerId: IdSchema }).strict(), response: Empty },
  'viewer:close-consumer': { request: z.object({ consumerId: IdSchema }).strict(), response: Empty },
  'transport:create': {
    request: z.object({ direction: z.enum(['send', 'recv']) }).strict(),
    response: TransportOptionsSchema,
  },
  /** The server's clock (ms since epoch): pages line results (stamped on the server's clock) up with their video. */
  'clock:now': { request: Empty, response: z.object({ now: z.number() }) },
  'transport:connect': {
    request: z.object({ transportId: IdSchema, dtlsParameters: DtlsParametersSchema }).strict(),
    response: Empty,
  },
  ...alertRequests,
  /** A viewer asks for `metrics:update` pushes (one sample every `intervalMs`); the history is on REST. */
  'metrics:subscribe': { request: Empty, response: z.object({ intervalMs: z.number().int().positive() }) },
} as const;

export type ClientRequestName = keyof typeof clientRequests;
export type RequestOf<N extends ClientRequestName> = z.input<(typeof clientRequests)[N]['request']>;
export type ParsedRequestOf<N extends ClientRequestName> = z.output<(typeof clientRequests)[N]['request']>;
export type ResponseOf<N extends ClientRequestName> = z.output<(typeof clientRequests)[N]['response']>;
export type Ack<T> = { ok: true; data: T } | { ok: false; error: ErrorBody };

export function isClientRequestName(name: string): name is ClientRequestName {
  return Object.hasOwn(clientRequests, name);
}

/** Every push the server sends. */
export const serverEvents = {
  /** A camera appeared or changed (record, status, producer, faces in view). */
  'camera:state': CameraViewSchema,
  'camera:removed': z.object({ cameraId: CameraIdSchema }),
  /** Inference results for one frame (boxes to draw over the video). */
  'results:frame': FrameResultSchema,
  /** An error not tied to an ack: a message without ack, an unknown event. */
  'server:error': ErrorBodySchema.extend({ event: z.string().optional() }),
  ...alertEvents,
  /** The newest metrics sample, to pages that sent `metrics:subscribe`. */
  'metrics:update': MetricsSampleSchema,
} as const;
export type ServerEventName = keyof typeof serverEvents;
export type ServerEventPayload<N extends ServerEventName> = z.output<(typeof serverEvents)[N]>;

/** socket.io typing, shared by `new Server<...>()` and `io<...>()`. */
export type ClientToServerEvents = {
  [N in ClientRequestName]: (payload: RequestOf<N>, ack: (answer: Ack<ResponseOf<N>>) => void) => void;
};
export type ServerToClientEvents = {
  [N in ServerEventName]: (payload: ServerEventPayload<N>) => void;
};

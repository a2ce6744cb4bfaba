import { randomBytes } from 'node:crypto';
import type { types } from 'mediasoup';
import { MaskwatchError } from '@maskwatch/protocol/errors';
import { ANALYSIS_SRTP_SUITE, SrtpParametersSchema, type SrtpParameters, type Stream } from '@maskwatch/protocol/inference';
import { EnhancedEmitter } from '../EnhancedEmitter.ts';
import { createLogger, type Logger } from '../logger.ts';
import type { Room } from '../media/Room.ts';
import type { NodeLink } from './NodeLink.ts';

export type CameraAnalysisEvents = {
  /** The consumer or its transport closed under us (producer gone, worker died): the owner decides what next. */
  close: [reason: string];
};

export type CameraAnalysisOptions = {
  room: Room;
  producer: types.Producer;
  node: NodeLink;
  cameraId: string;
  cameraName: string;
  /** Address the analysis transport listens on (the node must reach it). */
  listenIp: string;
  /** Simulcast/SVC producers: which spatial layer the node gets. */
  layer: 'lowest' | 'highest';
};

const ANALYSED_MIME_TYPES = new Set(['video/vp8', 'video/h264']);
/** What the node's decoder (ffmpeg) answers with: NACKs, and PLI/FIR for key frames. */
const FEEDBACK: types.RtcpFeedback[] = [
  { type: 'nack' },
  { type: 'nack', parameter: 'pli' },
  { type: 'ccm', parameter: 'fir' },
];
/** Key frame requests from a node, at most one per this period (a decoder in trouble asks again and again). */
const KEYFRAME_MIN_INTERVAL_MS = 1000;

/** The capabilities the analysis consumer is created with: the router's VP8 and H.264, no RTX, no extensions. */
function nodeRtpCapabilities(router: types.Router): types.RtpCapabilities {
  return {
    codecs: (router.rtpCapabilities.codecs ?? [])
      .filter((codec) => codec.kind === 'video' && ANALYSED_MIME_TYPES.has(codec.mimeType.toLowerCase()))
      .map((codec) => ({ ...codec, rtcpFeedback: FEEDBACK })),
    headerExtensions: [],
  };
}

/** The transport's own SRTP key (what it encrypts the camera's RTP with), checked against the contract. */
function srtpOf(transport: types.PlainTransport): SrtpParameters {
  const parsed = SrtpParametersSchema.safeParse(transport.srtpParameters);
  if (!parsed.success) throw new MaskwatchError('internal', 'analysis transport has no usable SRTP key');
  return parsed.data;
}

function toStream(consumer: types.Consumer): Stream {
  const codec = consumer.rtpParameters.codecs[0];
  const ssrc = consumer.rtpParameters.encodings?.[0]?.ssrc;
  if (!codec || ssrc === undefined) throw new MaskwatchError('internal', 'analysis consumer has no codec or SSRC');
  const mimeType = codec.mimeType.toLowerCase() === 'video/vp8' ? 'video/VP8' : 'video/H264';
  const parameters: Record<string, string | number> = {};
  for (const [key, value] of Object.entries(codec.parameters ?? {})) {
    if (typeof value === 'string' || typeof value === 'number') parameters[key] = value;
  }
  return { mimeType, payloadType: codec.payloadType, clockRate: codec.clockRate, ssrc, parameters };
}

/**
 * One camera analysed on one node: a PlainTransport aimed at the node's RTP port (connect(), not comedia) and a
 * video consumer on it. Owns both; `close()` closes them and releases the camera on the node.
 *
 * The leg is SRTP: the transport's key goes to the node in `camera:assign` (over the authenticated /inference
 * link), and the node's decoder drops every packet that fails authentication, so RTP that anyone else sends to its
 * port is never analysed. The node's own RTCP (ffmpeg sends it unencrypted) is dropped by mediasoup: key frames are
 * asked for over the link instead (`node:keyframe`).
 */
export class CameraAnalysis extends EnhancedEmitter<CameraAnalysisEvents> {
  readonly cameraId: string;
  readonly node: NodeLink;
  readonly producerId: string;
  /** What the node receives (codec, payload type, SSRC). */
  readonly stream: Stream;
  readonly startedAt = Date.now();
  /** Server clock of the last result from the node, or undefined before the first. */
  lastResultAt: number | undefined;
  readonly #transport: types.PlainTransport;
  readonly #consumer: types.Consumer;
  readonly #log: Logger;
  #lastKeyFrameAt = 0;
  #closed = false;

  private constructor(
    options: CameraAnalysisOptions,
    transport: types.PlainTransport,
    consumer: types.Consumer,
    stream: Stream,
  ) {
    super();
    this.stream = stream;
    this.cameraId = options.cameraId;
    this.node = options.node;
    this.producerId = options.producer.id;
    this.#transport = transport;
    this.#consumer = consumer;
    this.#log = createLogger('CameraAnalysis', { cameraId: options.cameraId, nodeId: options.node.id });
    consumer.observer.once('close', () => this.#lost('the video stopped'));
    transport.observer.once('close', () => this.#lost('the media server restarted'));
  }

  /** Creates the transport and consumer, has the node open its decoder, connects, resumes and asks a key frame. */
  static async start(options: CameraAnalysisOptions): Promise<CameraAnalysis> {
    const { room, producer, node, cameraId } = options;
    const transport = await room.createAnalysisTransport(options.listenIp, { cameraId, analysis: true, nodeId: node.id });
    let assigned = false;
    try {
      const consumer = await transport.consume({
        producerId: producer.id,
        rtpCapabilities: nodeRtpCapabilities(room.router),
        paused: true,
        appData: { cameraId, analysis: true },
      });
      if (consumer.type === 'simulcast' || consumer.type === 'svc') {
        const spatialLayer = options.layer === 'lowest' ? 0 : 15;
        await consumer.setPreferredLayers({ spatialLayer });
      }
      const rtcpPort = transport.rtcpTuple?.localPort;
      if (rtcpPort === undefined) throw new MaskwatchError('internal', 'analysis transport has no RTCP port');
      assigned = true;
      const stream = toStream(consumer);
      const ports = await node.request('camera:assign', {
        cameraId,
        name: options.cameraName,
        stream,
        serverRtcp: { ip: transport.tuple.localAddress, port: rtcpPort },
        srtp: srtpOf(transport),
      });
      await transport.connect({
        ip: node.info.rtpHost,
        port: ports.rtpPort,
        rtcpPort: ports.rtcpPort,
        // What the node would encrypt its RTCP with: ffmpeg encrypts none, so any fresh key (its RTCP is dropped).
        srtpParameters: { cryptoSuite: ANALYSIS_SRTP_SUITE, keyBase64: randomBytes(30).toString('base64') },
      });
      if (transport.closed || node.closed) throw new MaskwatchError('unavailable', 'closed while starting analysis');
      const analysis = new CameraAnalysis(options, transport, consumer, stream);
      await consumer.resume();
      analysis.requestKeyFrame();
      return analysis;
    } catch (error) {
      transport.close();
      if (assigned && !node.closed) node.request('camera:release', { cameraId }).catch(() => undefined);
      throw error;
    }
  }

  get closed(): boolean {
    return this.#closed;
  }

  get transportId(): string {
    return this.#transport.id;
  }

  /** Where the camera's RTP goes on the node (its decoder's port). */
  get nodeRtp(): { ip: string; port: number } {
    return { ip: this.#transport.tuple.remoteIp ?? this.node.info.rtpHost, port: this.#transport.tuple.remotePort ?? 0 };
  }

  /** Asks the producer for a key frame, at most once a second. */
  requestKeyFrame(): void {
    const now = Date.now();
    if (this.#closed || now - this.#lastKeyFrameAt < KEYFRAME_MIN_INTERVAL_MS) return;
    this.#lastKeyFrameAt = now;
    this.#consumer.requestKeyFrame().catch((error: unknown) => this.#log.debug({ err: error }, 'key frame request failed'));
  }

  /** Closes the consumer and transport; tells the node to let the camera go when `release` (the node is still there). */
  close(release = true): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#transport.close();
    if (release && !this.node.closed) {
      this.node
        .request('camera:release', { cameraId: this.cameraId })
        .catch((error: unknown) => this.#log.debug({ err: error }, 'release not acknowledged'));
    }
    this.removeAllListeners();
  }

  #lost(reason: string): void {
    if (this.#closed) return;
    this.#log.info({ reason }, 'analysis consumer closed');
    this.safeEmit('close', reason);
  }
}

import type { types } from 'mediasoup';
import { MaskwatchError } from '@maskwatch/protocol/errors';
import type { AnalysisInput } from '@maskwatch/protocol/camera';
import type { CameraStats, Stream } from '@maskwatch/protocol/inference';
import { EnhancedEmitter } from '../EnhancedEmitter.ts';
import { createLogger, type Logger } from '../logger.ts';
import { peerSrtpForFfmpeg, plainRtpCapabilities, srtpOf, streamOf } from '../media/plainRtp.ts';
import type { Room } from '../media/Room.ts';
import type { NodeLink } from './NodeLink.ts';
import { smoothGap } from './analysisHealth.ts';
import { TemporalLayerPolicy, temporalLayersOf } from './TemporalLayerPolicy.ts';

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
  /** When this analysis was first wanted (server clock): the first result is timed from here. */
  wantedAt?: number;
  /** Which of the camera's streams `producer` is (an RTSP camera may name a smaller analysis stream). */
  source?: 'main' | 'analysis';
  /** Layered cameras: the temporal layer taken decodes at least the analysed rate times this. */
  layerMargin?: number;
  /** How long the node may take to answer the assignment (it answers once its decoder listens). */
  assignTimeoutMs?: number;
};

/** What the analysis consumer receives of a layered camera. */
export type AnalysisLayers = { spatial: number; temporal: number; temporalLayers: number };

/**
 * Key frame requests from a node, at most one per this period (a decoder in trouble asks again and again); under the
 * node's own retry period (1 s), so that its first retry after the resume's request is not swallowed.
 */
const KEYFRAME_MIN_INTERVAL_MS = 700;

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
  /** When the analysis was wanted (camera live, analysis switched on, restarted), server clock. */
  readonly wantedAt: number;
  /** Which of the camera's streams it analyses: the main one, or an RTSP camera's analysis stream. */
  readonly source: 'main' | 'analysis';
  /** Server clock of the last result from the node, or undefined before the first. */
  lastResultAt: number | undefined;
  /** The usual time between two results (smoothed), or undefined before the second: see `resultArrived`. */
  resultGapMs: number | undefined;
  readonly #transport: types.PlainTransport;
  readonly #consumer: types.Consumer;
  readonly #log: Logger;
  /** Layered cameras only: which temporal layer the analysis takes. */
  readonly #temporal: { policy: TemporalLayerPolicy; spatial: number } | undefined;
  #lastKeyFrameAt = 0;
  #closed = false;

  private constructor(
    options: CameraAnalysisOptions,
    transport: types.PlainTransport,
    consumer: types.Consumer,
    temporal: { policy: TemporalLayerPolicy; spatial: number } | undefined,
    stream: Stream,
  ) {
    super();
    this.#temporal = temporal;
    this.stream = stream;
    this.cameraId = options.cameraId;
    this.node = options.node;
    this.producerId = options.producer.id;
    this.wantedAt = options.wantedAt ?? this.startedAt;
    this.source = options.source ?? 'main';
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
        rtpCapabilities: plainRtpCapabilities(room.router),
        paused: true,
        appData: { cameraId, analysis: true },
      });
      let temporal: { policy: TemporalLayerPolicy; spatial: number } | undefined;
      if (consumer.type === 'simulcast' || consumer.type === 'svc') {
        const encoding = consumer.rtpParameters.encodings?.[0];
        const spatial = options.layer === 'lowest' ? 0 : 15;
        const policy = new TemporalLayerPolicy({
          layers: temporalLayersOf(encoding?.scalabilityMode),
          wantFps: node.info.capacity.fps,
          margin: options.layerMargin ?? 1.2,
        });
        temporal = { policy, spatial };
        await consumer.setPreferredLayers({ spatialLayer: spatial, temporalLayer: policy.current });
      }
      const rtcpPort = transport.rtcpTuple?.localPort;
      if (rtcpPort === undefined) throw new MaskwatchError('internal', 'analysis transport has no RTCP port');
      assigned = true;
      const stream = streamOf(consumer);
      const assignment = {
        cameraId,
        name: options.cameraName,
        stream,
        serverRtcp: { ip: transport.tuple.localAddress, port: rtcpPort },
        srtp: srtpOf(transport),
      };
      const ports = await node.request('camera:assign', assignment, options.assignTimeoutMs ?? 15_000);
      await transport.connect({
        ip: node.info.rtpHost,
        port: ports.rtpPort,
        rtcpPort: ports.rtcpPort,
        srtpParameters: peerSrtpForFfmpeg(),
      });
      if (transport.closed || node.closed) throw new MaskwatchError('unavailable', 'closed while starting analysis');
      const analysis = new CameraAnalysis(options, transport, consumer, temporal, stream);
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

  /** What the node analyses (with the node's figures from its latest stats). */
  input(stats: CameraStats | undefined): AnalysisInput {
    const layers = this.layers;
    return {
      stream: this.source,
      width: stats?.frame?.width ?? null,
      height: stats?.frame?.height ?? null,
      fps: stats ? Math.round(stats.analysedFps * 2) / 2 : null,
      temporalLayer: layers ? { layer: layers.temporal, of: layers.temporalLayers } : null,
    };
  }

  /** The layers the analysis takes of a layered camera (null: the camera sends one layer). */
  get layers(): AnalysisLayers | null {
    if (!this.#temporal) return null;
    const { policy, spatial } = this.#temporal;
    return { spatial, temporal: policy.current, temporalLayers: policy.layers };
  }

  /** The node's decoded frames per second of this camera over its last stats period (running decoders only). */
  observeInput(inputFps: number): void {
    if (!this.#temporal || this.#closed) return;
    const { policy, spatial } = this.#temporal;
    const layer = policy.observe(inputFps);
    if (layer === undefined) return;
    this.#log.info({ inputFps, temporalLayer: layer, of: policy.layers }, 'analysis temporal layer changed');
    this.#consumer
      .setPreferredLayers({ spatialLayer: spatial, temporalLayer: layer })
      .catch((error: unknown) => this.#log.debug({ err: error }, 'could not change layers'));
  }

  /** Asks the producer for a key frame, at most once per KEYFRAME_MIN_INTERVAL_MS. */
  /**
   * A result came at `now` (server clock): the last result's time, and the usual gap between results (a node short of
   * CPU analyses a camera every few seconds; that is slow, not stalled).
   */
  resultArrived(now: number): void {
    if (this.lastResultAt !== undefined) this.resultGapMs = smoothGap(this.resultGapMs, now - this.lastResultAt);
    this.lastResultAt = now;
  }

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

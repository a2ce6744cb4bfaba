import { randomInt } from 'node:crypto';
import type { types } from 'mediasoup';
import { allocatePorts, type PortRange } from '@maskwatch/ffmpeg/allocatePorts';
import { FfmpegSupervisor, type ExitInfo, type Prepared } from '@maskwatch/ffmpeg/FfmpegSupervisor';
import { buildSdp } from '@maskwatch/ffmpeg/sdp';
import { EnhancedEmitter } from '../EnhancedEmitter.ts';
import { createLogger, type Logger } from '../logger.ts';
import { peerSrtpForFfmpeg, plainRtpCapabilities, srtpOf, streamOf } from '../media/plainRtp.ts';
import type { Room } from '../media/Room.ts';
import { buildTranscodeArgs, TRANSCODE_PAYLOAD_TYPE } from './transcodeArgs.ts';

export type ViewerTranscoderEvents = {
  /** The attempt's VP8 producer delivers RTP: viewers may consume it. */
  live: [producer: types.Producer];
  /** An attempt ended (the next one follows after `retryInMs`); the reason in words a person reads. */
  failed: [reason: string];
};

export type TranscodeTiming = {
  /** No VP8 out this long after ffmpeg started: the attempt is ended. */
  startTimeoutMs: number;
  /** VP8 stopped for this long: the attempt is ended. */
  stallMs: number;
  retryMinMs: number;
  retryMaxMs: number;
};

export const DEFAULT_TRANSCODE_TIMING: TranscodeTiming = { startTimeoutMs: 15_000, stallMs: 8_000, retryMinMs: 1_000, retryMaxMs: 15_000 };

export type ViewerTranscoderOptions = {
  cameraId: string;
  /** The room the source producer lives in; both transports are made there. */
  room: Room;
  source: types.Producer;
  ffmpegPath: string;
  /** Loopback ports ffmpeg may bind for the incoming RTP (an even port and the next). */
  portRange: PortRange;
  /** Shared by every transcoder of the server, so two never take the same pair. */
  takenPorts: Set<number>;
  maxWidth?: number;
  bitrate?: number;
  timing?: Partial<TranscodeTiming>;
};

/** How often the VP8 producer's byte count is read (ffmpeg's progress). */
const POLL_MS = 500;
/** Key frame requests towards the camera, at most one per this period. */
const KEYFRAME_MIN_INTERVAL_MS = 1000;
/** ffmpeg lines that mean the decoder lacks a reference picture: ask the camera for a key frame. */
const NEEDS_KEYFRAME = /keyframe|key frame|reference|corrupt|error while decoding|concealing|missing picture|non-existing PPS/i;

/** One ffmpeg run: its two transports, the consumer of the camera, the VP8 producer and its port pair. */
type Attempt = {
  input: types.PlainTransport;
  consumer: types.Consumer;
  output: types.PlainTransport;
  producer: types.Producer;
  rtpPort: number;
  lastBytes: number;
  live: boolean;
  poll: NodeJS.Timeout | undefined;
  done: boolean;
};

/**
 * The viewers' copy of one camera in a codec every browser receives: a consumer of the camera's producer on a
 * PlainTransport aimed at a supervised ffmpeg, which decodes it and encodes VP8 into a comedia PlainTransport where
 * a producer receives it. The camera's own producer (and so the analysis) is untouched. Each attempt owns its
 * transports and port pair; the supervisor restarts ffmpeg with backoff. Emits `live` with each attempt's producer;
 * the owner (ViewerVideo) decides who consumes it and when to close.
 */
export class ViewerTranscoder extends EnhancedEmitter<ViewerTranscoderEvents> {
  readonly cameraId: string;
  readonly sourceId: string;
  readonly #options: ViewerTranscoderOptions;
  readonly #log: Logger;
  readonly #supervisor: FfmpegSupervisor;
  #attempt: Attempt | undefined;
  #lastKeyFrameAt = 0;
  #lastReason: string | null = null;
  #closed = false;

  constructor(options: ViewerTranscoderOptions) {
    super();
    this.cameraId = options.cameraId;
    this.sourceId = options.source.id;
    this.#options = options;
    this.#log = createLogger('ViewerTranscoder', { cameraId: options.cameraId, sourceId: options.source.id });
    const timing = { ...DEFAULT_TRANSCODE_TIMING, ...options.timing };
    this.#supervisor = new FfmpegSupervisor({
      name: `transcode:${options.cameraId}`,
      ffmpegPath: options.ffmpegPath,
      prepare: () => this.#prepare(),
      retryMinMs: timing.retryMinMs,
      retryMaxMs: timing.retryMaxMs,
      stableMs: 10_000,
      startTimeoutMs: timing.startTimeoutMs,
      stallMs: timing.stallMs,
    });
    this.#supervisor.on('spawn', () => this.#onSpawn());
    this.#supervisor.on('line', (line) => {
      if (NEEDS_KEYFRAME.test(line)) this.#requestKeyFrame();
    });
    this.#supervisor.on('exit', (info) => this.#onExit(info));
  }

  /** The VP8 producer of the current attempt once it delivers, else undefined. */
  get producer(): types.Producer | undefined {
    const attempt = this.#attempt;
    return attempt?.live && !attempt.producer.closed ? attempt.producer : undefined;
  }

  /** Why the last attempt ended (null before any ended). */
  get lastFailure(): string | null {
    return this.#lastReason;
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** How many ffmpeg processes were started (tests). */
  get spawns(): number {
    return this.#supervisor.spawns;
  }

  start(): void {
    if (this.#closed) return;
    this.#log.info('transcoding for viewers');
    this.#supervisor.start();
  }

  /** Kills ffmpeg, closes both transports (the VP8 producer, so its viewers' consumers, with them). Idempotent. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#supervisor.close();
    this.removeAllListeners();
    this.#log.info('transcoding stopped');
  }

  async #prepare(): Promise<Prepared> {
    const { room, source, cameraId, takenPorts } = this.#options;
    if (source.closed) throw new Error('the camera stopped sending video');
    const rtpPort = await allocatePorts('127.0.0.1', this.#options.portRange, takenPorts);
    const made: { input?: types.PlainTransport; output?: types.PlainTransport } = {};
    const release = (): void => {
      made.input?.close();
      made.output?.close();
      takenPorts.delete(rtpPort);
    };
    try {
      const input = await room.createAnalysisTransport('127.0.0.1', { cameraId, viewerTranscode: 'in' });
      made.input = input;
      const consumer = await input.consume({
        producerId: source.id,
        rtpCapabilities: plainRtpCapabilities(room.router),
        paused: true,
        appData: { cameraId, viewerTranscode: true },
      });
      const output = await room.createPlainTransport({ cameraId, viewerTranscode: 'out' });
      made.output = output;
      const ssrc = randomInt(1, 2 ** 31);
      const producer = await output.produce({
        kind: 'video',
        rtpParameters: {
          codecs: [{ mimeType: 'video/VP8', payloadType: TRANSCODE_PAYLOAD_TYPE, clockRate: 90000, rtcpFeedback: [] }],
          encodings: [{ ssrc }],
        },
        appData: { cameraId, group: room.group, viewerTranscode: true },
      });
      const rtcpPort = output.rtcpTuple?.localPort;
      if (rtcpPort === undefined) throw new Error('the transcoder output has no RTCP port');
      // RTP sent before ffmpeg binds is lost; the key frame request after spawn makes up for it. SRTP as towards an
      // inference node: another local process cannot slip frames in on the loopback port.
      await input.connect({ ip: '127.0.0.1', port: rtpPort, rtcpPort: rtpPort + 1, srtpParameters: peerSrtpForFfmpeg() });
      await consumer.resume();
      const attempt: Attempt = { input, consumer, output, producer, rtpPort, lastBytes: 0, live: false, poll: undefined, done: false };
      const cleanup = (): void => {
        attempt.done = true;
        clearInterval(attempt.poll);
        if (this.#attempt === attempt) this.#attempt = undefined;
        release();
      };
      // The camera's producer or the router went away: this attempt cannot go on (the owner closes us for the former).
      const lost = (why: string) => () => {
        if (!attempt.done) this.#supervisor.restart(why);
      };
      consumer.observer.once('close', lost('the camera stopped sending video'));
      output.observer.once('close', lost('the media server restarted'));
      this.#attempt = attempt;
      const args = buildTranscodeArgs({
        rtpPort: output.tuple.localPort,
        rtcpPort,
        ssrc,
        maxWidth: this.#options.maxWidth ?? 1280,
        bitrate: this.#options.bitrate ?? 1_500_000,
        keyFrameInterval: 1,
      });
      return { args, stdin: buildSdp(streamOf(consumer), '127.0.0.1', rtpPort, srtpOf(input)), cleanup };
    } catch (error) {
      release();
      throw error;
    }
  }

  #onSpawn(): void {
    const attempt = this.#attempt;
    if (!attempt || attempt.done) return;
    attempt.poll = setInterval(() => void this.#check(attempt), POLL_MS);
    // A fresh decoder waits for a key frame: ask once ffmpeg has had a moment to bind its port.
    setTimeout(() => this.#requestKeyFrame(true), 300).unref();
  }

  #requestKeyFrame(force = false): void {
    const consumer = this.#attempt?.consumer;
    const now = Date.now();
    if (!consumer || consumer.closed || (!force && now - this.#lastKeyFrameAt < KEYFRAME_MIN_INTERVAL_MS)) return;
    this.#lastKeyFrameAt = now;
    consumer.requestKeyFrame().catch((error: unknown) => this.#log.debug({ err: error }, 'key frame request failed'));
  }

  /** VP8 arriving at the producer is the attempt's progress. */
  async #check(attempt: Attempt): Promise<void> {
    if (attempt.done || attempt.producer.closed) return;
    let bytes = 0;
    try {
      for (const stat of await attempt.producer.getStats()) bytes += stat.byteCount;
    } catch {
      return;
    }
    if (attempt.done || bytes <= attempt.lastBytes) return;
    attempt.lastBytes = bytes;
    this.#supervisor.alive();
    if (!attempt.live) {
      attempt.live = true;
      this.#log.info({ producerId: attempt.producer.id }, 'VP8 for viewers is flowing');
      this.safeEmit('live', attempt.producer);
    }
  }

  #onExit(info: ExitInfo): void {
    if (this.#closed || info.cause === 'closed') return;
    this.#lastReason = info.reason;
    this.#log.warn({ reason: info.reason, retryInMs: info.retryInMs, lines: info.lines.slice(-3) }, 'transcoder ended');
    this.safeEmit('failed', info.reason);
  }
}

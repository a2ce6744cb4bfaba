import { randomInt } from 'node:crypto';
import type { types } from 'mediasoup';
import { FfmpegSupervisor, type ExitInfo, type Prepared } from '@maskwatch/ffmpeg/FfmpegSupervisor';
import { redactRtspUrl, type CameraStatus } from '@maskwatch/protocol/camera';
import { EnhancedEmitter } from '../EnhancedEmitter.ts';
import { createLogger, type Logger } from '../logger.ts';
import type { Room } from '../media/Room.ts';
import {
  buildFfmpegArgs,
  INGEST_PAYLOAD_TYPE,
  parseInputStream,
  profileLevelIdFor,
  TRANSCODE_PROFILE_LEVEL_ID,
  type IngestMode,
} from './ffmpegArgs.ts';
import { probeRtsp } from './probeRtsp.ts';

export type RtspIngestEvents = {
  /** `retryAt` (ms since the epoch, server clock): when the next attempt starts, for `error`; null otherwise. */
  status: [status: CameraStatus, detail: string | null, retryAt: number | null];
  /** A new producer carries the camera's video (the previous one, if any, is closed). */
  producer: [producer: types.Producer];
};

export type RtspIngestOptions = {
  cameraId: string;
  url: string;
  getRoom: () => Promise<Room>;
  ffmpegPath: string;
  /** auto: copy H.264 when the source allows, transcode otherwise or when copying does not get video through. */
  mode: 'auto' | IngestMode;
  /** Retry delays grow from min to max (doubling) while attempts fail; reset after a stable live period. */
  retryMinMs?: number;
  retryMaxMs?: number;
  /** An attempt that has not delivered RTP by then is ended (and the next one transcodes, in auto mode). */
  liveTimeoutMs?: number;
  /** Live with no new RTP for this long: the attempt is ended and another one starts. */
  stallMs?: number;
  /** While waiting to retry, how often the source is probed (probeRtsp: a connect and a DESCRIBE) to see it come back. */
  probeIntervalMs?: number;
};

/** One ffmpeg run and what it feeds: the transport is made by `prepare` and closed by `cleanup`. */
type Attempt = {
  transport: types.PlainTransport;
  producer: types.Producer | undefined;
  mode: IngestMode;
  ssrc: number;
  sawOutput: boolean;
  lastBytes: number;
  live: boolean;
  poll: NodeJS.Timeout | undefined;
  done: boolean;
};

/** How often the producer's byte count is read (progress for the supervisor, `live` for viewers). */
const POLL_MS = 500;
/**
 * An ffmpeg failure that says the source (its host:port, or its stream) was not there: the probe may report its
 * comeback at once.
 */
const SOURCE_AWAY = /refused|unreachable|no route|timed out|timeout|reset by peer|end of file|404|not found|454|503|unavailable/i;
/** How long one probe of the source may take. */
const PROBE_TIMEOUT_MS = 1_000;

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * One RTSP camera: ffmpeg (supervised by FfmpegSupervisor) reads the source over TCP and sends RTP into a comedia
 * PlainTransport on the room's router, where a producer with a fixed payload type and SSRC receives it. Each attempt
 * owns its transport; the supervisor restarts ffmpeg with backoff, and at once when a cheap probe of the source
 * (probeRtsp) sees it come back (RetryPolicy). Emits status and producers; the owner (IngestManager) decides what
 * they mean for the camera.
 */
export class RtspIngest extends EnhancedEmitter<RtspIngestEvents> {
  readonly cameraId: string;
  readonly url: string;
  readonly #options: RtspIngestOptions;
  readonly #log: Logger;
  readonly #safeUrl: string;
  readonly #supervisor: FfmpegSupervisor;
  #attempt: Attempt | undefined;
  /** In auto mode: switches to transcode once copying failed to deliver; stays once something worked. */
  #mode: IngestMode;
  #workedInMode = false;
  #status: CameraStatus = 'offline';
  #detail: string | null = null;
  #closed = false;

  constructor(options: RtspIngestOptions) {
    super();
    this.cameraId = options.cameraId;
    this.url = options.url;
    this.#options = options;
    this.#safeUrl = redactRtspUrl(options.url) ?? '';
    this.#mode = options.mode === 'transcode' ? 'transcode' : 'copy';
    this.#log = createLogger('RtspIngest', { cameraId: options.cameraId, url: this.#safeUrl });
    this.#supervisor = new FfmpegSupervisor({
      name: `rtsp:${options.cameraId}`,
      ffmpegPath: options.ffmpegPath,
      prepare: () => this.#prepare(),
      redact: (line) => line.split(this.url).join(this.#safeUrl),
      describeExit: (code) => (code === 0 ? 'the source ended the stream' : undefined),
      retryMinMs: options.retryMinMs ?? 1_000,
      retryMaxMs: options.retryMaxMs ?? 30_000,
      stableMs: 10_000,
      startTimeoutMs: options.liveTimeoutMs ?? 20_000,
      stallMs: options.stallMs ?? 5_000,
      probeIntervalMs: options.probeIntervalMs ?? 250,
      probe: () => probeRtsp(options.url, PROBE_TIMEOUT_MS),
      sourceDown: (reason) => SOURCE_AWAY.test(reason),
    });
    this.#supervisor.on('spawn', () => this.#onSpawn());
    this.#supervisor.on('line', (line) => this.#onLine(line));
    this.#supervisor.on('exit', (info) => this.#onExit(info));
  }

  /** How many times ffmpeg was started (tests check restarts stay spaced). */
  get spawns(): number {
    return this.#supervisor.spawns;
  }

  get producer(): types.Producer | undefined {
    return this.#attempt?.producer;
  }

  get mode(): IngestMode {
    return this.#mode;
  }

  start(): void {
    if (this.#closed) return;
    this.#setStatus('connecting', 'starting ffmpeg');
    this.#supervisor.start();
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#supervisor.close();
    this.removeAllListeners();
  }

  #setStatus(status: CameraStatus, detail: string | null, retryAt: number | null = null): void {
    this.#status = status;
    this.#detail = detail;
    this.safeEmit('status', status, detail, retryAt);
  }

  async #prepare(): Promise<Prepared> {
    let transport: types.PlainTransport;
    try {
      const room = await this.#options.getRoom();
      transport = await room.createPlainTransport({ cameraId: this.cameraId, ingest: true });
    } catch (error) {
      throw new Error(`media server unavailable: ${messageOf(error)}`);
    }
    const attempt: Attempt = {
      transport,
      producer: undefined,
      mode: this.#mode,
      ssrc: randomInt(1, 2 ** 31),
      sawOutput: false,
      lastBytes: 0,
      live: false,
      poll: undefined,
      done: false,
    };
    const cleanup = (): void => {
      attempt.done = true;
      clearInterval(attempt.poll);
      if (this.#attempt === attempt) this.#attempt = undefined;
      // Closing the transport closes its producer; CameraService hears it through the producer's observer.
      transport.close();
    };
    try {
      const args = buildFfmpegArgs({
        url: this.url,
        mode: attempt.mode,
        rtpPort: transport.tuple.localPort,
        rtcpPort: transport.rtcpTuple?.localPort ?? transport.tuple.localPort,
        ssrc: attempt.ssrc,
      });
      this.#attempt = attempt;
      // The router went away under us (worker died): end this attempt, the next one gets a new room.
      transport.observer.once('close', () => {
        if (!attempt.done) this.#supervisor.restart('media server restarted');
      });
      this.#log.info({ mode: attempt.mode, rtpPort: transport.tuple.localPort }, 'starting ffmpeg');
      return { args, cleanup };
    } catch (error) {
      cleanup();
      throw error;
    }
  }

  #onSpawn(): void {
    const attempt = this.#attempt;
    if (!attempt || attempt.done) return;
    attempt.poll = setInterval(() => void this.#check(attempt), POLL_MS);
    // Still failing as far as anyone knows, but trying now (maybe before the countdown ran out: the probe).
    if (this.#status === 'error') this.#setStatus('error', this.#detail, Date.now());
  }

  #onLine(line: string): void {
    const attempt = this.#attempt;
    if (!attempt || attempt.done) return;
    if (line.startsWith('Output #0')) attempt.sawOutput = true;
    if (attempt.sawOutput || attempt.producer) return;
    const input = parseInputStream(line);
    if (input) void this.#onInput(attempt, input.codec, input.profile);
  }

  async #onInput(attempt: Attempt, codec: string, profile: string | undefined): Promise<void> {
    const described = `${codec}${profile ? ` (${profile})` : ''}`;
    let profileLevelId: string;
    if (attempt.mode === 'transcode') {
      profileLevelId = TRANSCODE_PROFILE_LEVEL_ID;
    } else {
      const copied = codec === 'h264' ? profileLevelIdFor(profile) : undefined;
      if (!copied) {
        if (this.#options.mode === 'copy') {
          this.#supervisor.restart(`the source is ${described}; MASKWATCH_RTSP_MODE=copy needs H.264`);
          return;
        }
        this.#log.info({ codec, profile }, 'source cannot be copied; transcoding');
        this.#mode = 'transcode';
        this.#supervisor.restart(`switching to transcoding (${described})`, { immediate: true });
        return;
      }
      profileLevelId = copied;
    }
    this.#setStatus(
      this.#status === 'error' ? 'error' : 'connecting',
      `receiving ${described}, ${attempt.mode === 'copy' ? 'copying' : 'transcoding'}`,
    );
    try {
      const producer = await attempt.transport.produce({
        kind: 'video',
        rtpParameters: {
          codecs: [
            {
              mimeType: 'video/H264',
              payloadType: INGEST_PAYLOAD_TYPE,
              clockRate: 90000,
              parameters: { 'packetization-mode': 1, 'profile-level-id': profileLevelId, 'level-asymmetry-allowed': 1 },
              rtcpFeedback: [],
            },
          ],
          encodings: [{ ssrc: attempt.ssrc }],
        },
        appData: { cameraId: this.cameraId, group: 'default', ingest: true },
      });
      if (attempt.done) {
        producer.close();
        return;
      }
      attempt.producer = producer;
      this.safeEmit('producer', producer);
    } catch (error) {
      if (attempt.done) return;
      this.#log.error({ err: error, profileLevelId }, 'cannot create the producer');
      if (attempt.mode === 'copy' && this.#options.mode === 'auto') this.#mode = 'transcode';
      this.#supervisor.restart(`cannot receive ${described}: ${messageOf(error)}`);
    }
  }

  /** RTP arriving at the producer is the attempt's progress: it keeps the supervisor from ending it. */
  async #check(attempt: Attempt): Promise<void> {
    const producer = attempt.producer;
    if (attempt.done || !producer || producer.closed) return;
    let bytes = 0;
    try {
      for (const stat of await producer.getStats()) bytes += stat.byteCount;
    } catch {
      return;
    }
    if (attempt.done || bytes <= attempt.lastBytes) return;
    attempt.lastBytes = bytes;
    this.#supervisor.alive();
    if (!attempt.live) {
      attempt.live = true;
      this.#workedInMode = true;
      this.#log.info({ mode: attempt.mode }, 'live');
    }
    if (this.#status !== 'live') this.#setStatus('live', null);
  }

  #onExit(info: ExitInfo): void {
    if (this.#closed || info.retryInMs === null) return;
    // #mode only ever moves from copy to transcode, so copy now means the attempt copied.
    if (info.cause === 'start-timeout' && this.#mode === 'copy' && this.#options.mode === 'auto' && !this.#workedInMode)
      this.#mode = 'transcode';
    // A planned switch (copy -> transcode) is not a failure to show.
    if (info.cause === 'restart' && info.retryInMs === 0) return;
    const reason =
      info.cause === 'start-timeout'
        ? `no video within ${Math.round((this.#options.liveTimeoutMs ?? 20_000) / 1000)} s`
        : info.cause === 'stalled'
          ? `no video for ${Math.round((this.#options.stallMs ?? 5_000) / 1000)} s`
          : info.reason;
    this.#setStatus('error', reason, Date.now() + info.retryInMs);
  }
}

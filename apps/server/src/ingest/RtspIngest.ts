import { spawn, type ChildProcess } from 'node:child_process';
import { randomInt } from 'node:crypto';
import { createInterface } from 'node:readline';
import type { types } from 'mediasoup';
import { redactRtspUrl, type CameraStatus } from '@maskwatch/protocol/camera';
import { EnhancedEmitter } from '../EnhancedEmitter.ts';
import { createLogger, type Logger } from '../logger.ts';
import type { Room } from '../media/Room.ts';
import {
  buildFfmpegArgs,
  INGEST_PAYLOAD_TYPE,
  parseInputStream,
  pickErrorLine,
  profileLevelIdFor,
  TRANSCODE_PROFILE_LEVEL_ID,
  type IngestMode,
} from './ffmpegArgs.ts';

export type RtspIngestEvents = {
  status: [status: CameraStatus, detail: string | null];
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
  /** Live with no new RTP for this long: status goes back to connecting. */
  stallMs?: number;
};

type Attempt = {
  ffmpeg: ChildProcess;
  transport: types.PlainTransport;
  producer: types.Producer | undefined;
  mode: IngestMode;
  lines: string[];
  startedAt: number;
  lastBytes: number;
  lastBytesAt: number;
  liveSince: number | undefined;
  poll: NodeJS.Timeout;
  /** Why we ended it ourselves (shown instead of ffmpeg's last line). */
  endReason: string | undefined;
};

const STABLE_MS = 10_000;

/**
 * One RTSP camera: ffmpeg reads the source over TCP and sends RTP into a comedia PlainTransport on the room's
 * router, where a producer with a fixed payload type and SSRC receives it. Restarts itself with capped exponential
 * backoff; emits status and producers, the owner (IngestManager) decides what they mean for the camera.
 */
export class RtspIngest extends EnhancedEmitter<RtspIngestEvents> {
  readonly cameraId: string;
  readonly url: string;
  readonly #options: Required<Omit<RtspIngestOptions, 'cameraId' | 'url'>>;
  readonly #log: Logger;
  readonly #safeUrl: string;
  #attempt: Attempt | undefined;
  #retryTimer: NodeJS.Timeout | undefined;
  #failures = 0;
  /** In auto mode: switches to transcode once copying failed to deliver; stays once something worked. */
  #mode: IngestMode;
  #workedInMode = false;
  #status: CameraStatus = 'offline';
  #spawns = 0;
  #closed = false;

  constructor(options: RtspIngestOptions) {
    super();
    this.cameraId = options.cameraId;
    this.url = options.url;
    this.#safeUrl = redactRtspUrl(options.url) ?? '';
    this.#options = {
      getRoom: options.getRoom,
      ffmpegPath: options.ffmpegPath,
      mode: options.mode,
      retryMinMs: options.retryMinMs ?? 1_000,
      retryMaxMs: options.retryMaxMs ?? 30_000,
      liveTimeoutMs: options.liveTimeoutMs ?? 20_000,
      stallMs: options.stallMs ?? 5_000,
    };
    this.#mode = options.mode === 'transcode' ? 'transcode' : 'copy';
    this.#log = createLogger('RtspIngest', { cameraId: options.cameraId, url: this.#safeUrl });
  }

  /** How many times ffmpeg was started (tests check restarts stay spaced). */
  get spawns(): number {
    return this.#spawns;
  }

  get producer(): types.Producer | undefined {
    return this.#attempt?.producer;
  }

  get mode(): IngestMode {
    return this.#mode;
  }

  start(): void {
    if (this.#closed || this.#attempt || this.#retryTimer) return;
    this.#setStatus('connecting', 'starting ffmpeg');
    void this.#run();
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    clearTimeout(this.#retryTimer);
    this.#retryTimer = undefined;
    this.#end('closed');
    this.removeAllListeners();
  }

  #setStatus(status: CameraStatus, detail: string | null): void {
    this.#status = status;
    this.safeEmit('status', status, detail);
  }

  #redact(line: string): string {
    return line.split(this.url).join(this.#safeUrl);
  }

  async #run(): Promise<void> {
    let transport: types.PlainTransport;
    try {
      const room = await this.#options.getRoom();
      transport = await room.createPlainTransport({ cameraId: this.cameraId, ingest: true });
    } catch (error) {
      this.#scheduleRetry(`media server unavailable: ${error instanceof Error ? error.message : String(error)}`);
      return;
    }
    if (this.#closed) {
      transport.close();
      return;
    }
    const mode = this.#mode;
    const ssrc = randomInt(1, 2 ** 31);
    const args = buildFfmpegArgs({
      url: this.url,
      mode,
      rtpPort: transport.tuple.localPort,
      rtcpPort: transport.rtcpTuple?.localPort ?? transport.tuple.localPort,
      ssrc,
    });
    this.#spawns++;
    this.#log.info({ mode, rtpPort: transport.tuple.localPort, attempt: this.#failures + 1 }, 'starting ffmpeg');
    const ffmpeg = spawn(this.#options.ffmpegPath, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    const attempt: Attempt = {
      ffmpeg,
      transport,
      producer: undefined,
      mode,
      lines: [],
      startedAt: Date.now(),
      lastBytes: 0,
      lastBytesAt: Date.now(),
      liveSince: undefined,
      poll: setInterval(() => void this.#check(attempt), 1000),
      endReason: undefined,
    };
    this.#attempt = attempt;

    transport.observer.once('close', () => {
      // The router went away under us (worker died): end this attempt, the retry gets a new room.
      if (this.#attempt === attempt && !attempt.endReason) this.#end('media server restarted');
    });
    let sawOutput = false;
    const rl = createInterface({ input: ffmpeg.stderr! });
    rl.on('line', (raw) => {
      const line = this.#redact(raw.trim());
      if (!line) return;
      attempt.lines.push(line);
      if (attempt.lines.length > 50) attempt.lines.shift();
      if (line.startsWith('Output #0')) sawOutput = true;
      if (!sawOutput && !attempt.producer && !attempt.endReason) {
        const input = parseInputStream(line);
        if (input) void this.#onInput(attempt, input.codec, input.profile, ssrc);
      }
    });
    ffmpeg.once('error', (error) => {
      attempt.lines.push(`cannot run ${this.#options.ffmpegPath}: ${error.message}`);
    });
    ffmpeg.once('close', (code, signal) => this.#onExit(attempt, code, signal));
  }

  async #onInput(attempt: Attempt, codec: string, profile: string | undefined, ssrc: number): Promise<void> {
    let profileLevelId: string;
    if (attempt.mode === 'transcode') {
      profileLevelId = TRANSCODE_PROFILE_LEVEL_ID;
    } else {
      const copied = codec === 'h264' ? profileLevelIdFor(profile) : undefined;
      if (!copied) {
        if (this.#options.mode === 'copy') {
          this.#end(`the source is ${codec}${profile ? ` (${profile})` : ''}; MASKWATCH_RTSP_MODE=copy needs H.264`);
          return;
        }
        this.#log.info({ codec, profile }, 'source cannot be copied; transcoding');
        this.#mode = 'transcode';
        this.#end(`switching to transcoding (${codec}${profile ? ` ${profile}` : ''})`, true);
        return;
      }
      profileLevelId = copied;
    }
    this.#setStatus(
      this.#status === 'error' ? 'error' : 'connecting',
      `receiving ${codec}${profile ? ` (${profile})` : ''}, ${attempt.mode === 'copy' ? 'copying' : 'transcoding'}`,
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
          encodings: [{ ssrc }],
        },
        appData: { cameraId: this.cameraId, group: 'default', ingest: true },
      });
      if (this.#attempt !== attempt || attempt.endReason) {
        producer.close();
        return;
      }
      attempt.producer = producer;
      this.safeEmit('producer', producer);
    } catch (error) {
      this.#log.error({ err: error, profileLevelId }, 'cannot create the producer');
      if (attempt.mode === 'copy' && this.#options.mode === 'auto') this.#mode = 'transcode';
      this.#end(`cannot receive ${codec} ${profile ?? ''}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  async #check(attempt: Attempt): Promise<void> {
    if (this.#attempt !== attempt || attempt.endReason) return;
    const now = Date.now();
    let bytes = 0;
    if (attempt.producer && !attempt.producer.closed) {
      try {
        for (const stat of await attempt.producer.getStats()) bytes += stat.byteCount;
      } catch {
        return;
      }
    }
    if (this.#attempt !== attempt || attempt.endReason) return;
    if (bytes > attempt.lastBytes) {
      attempt.lastBytes = bytes;
      attempt.lastBytesAt = now;
      if (attempt.liveSince === undefined) {
        attempt.liveSince = now;
        this.#workedInMode = true;
        this.#log.info({ mode: attempt.mode }, 'live');
        this.#setStatus('live', null);
      } else if (this.#status !== 'live') {
        this.#setStatus('live', null);
      }
      if (now - attempt.liveSince >= STABLE_MS) this.#failures = 0;
      return;
    }
    if (attempt.liveSince === undefined) {
      if (now - attempt.startedAt > this.#options.liveTimeoutMs) {
        if (attempt.mode === 'copy' && this.#options.mode === 'auto' && !this.#workedInMode) this.#mode = 'transcode';
        this.#end(`no video within ${Math.round(this.#options.liveTimeoutMs / 1000)} s`);
      }
      return;
    }
    if (now - attempt.lastBytesAt > this.#options.stallMs && this.#status === 'live') {
      this.#setStatus('connecting', `no video for ${Math.round((now - attempt.lastBytesAt) / 1000)} s`);
    }
  }

  /** Ends the current attempt; its exit schedules the next one (immediately when `now`). */
  #end(reason: string, now = false): void {
    const attempt = this.#attempt;
    if (!attempt || attempt.endReason) return;
    attempt.endReason = reason;
    if (now) this.#failures = -1; // the next delay is the shortest: this is a planned switch, not a failure
    clearInterval(attempt.poll);
    attempt.ffmpeg.kill('SIGKILL');
    attempt.transport.close();
  }

  #onExit(attempt: Attempt, code: number | null, signal: NodeJS.Signals | null): void {
    clearInterval(attempt.poll);
    const current = this.#attempt === attempt;
    if (current) this.#attempt = undefined;
    if (!attempt.transport.closed) attempt.transport.close();
    if (!current) return;
    if (this.#closed) return;
    const reason =
      attempt.endReason ??
      pickErrorLine(attempt.lines) ??
      (code === 0
        ? 'the source ended the stream'
        : `ffmpeg exited (${signal ?? `code ${code}`}): ${attempt.lines.at(-1) ?? 'no output'}`);
    this.#log.warn({ code, signal, reason, lastLines: attempt.lines.slice(-3) }, 'ffmpeg ended');
    this.#scheduleRetry(reason);
  }

  #scheduleRetry(reason: string): void {
    if (this.#closed) return;
    const planned = this.#failures < 0;
    this.#failures = planned ? 0 : this.#failures + 1;
    const delay = planned
      ? 0
      : Math.min(this.#options.retryMaxMs, this.#options.retryMinMs * 2 ** (this.#failures - 1));
    if (!planned) this.#setStatus('error', `${reason} (retrying in ${Math.max(1, Math.round(delay / 1000))} s)`);
    this.#retryTimer = setTimeout(() => {
      this.#retryTimer = undefined;
      void this.#run();
    }, delay);
  }
}

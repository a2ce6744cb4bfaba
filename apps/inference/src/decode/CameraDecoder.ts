import { EnhancedEmitter } from '@maskwatch/common/EnhancedEmitter';
import { createLogger, type Logger } from '@maskwatch/common/logger';
import { FfmpegSupervisor } from '@maskwatch/ffmpeg/FfmpegSupervisor';
import type { DecoderStatus, SrtpParameters, Stream } from '@maskwatch/protocol/inference';
import { buildDecoderArgs } from './decoderArgs.ts';
import { FrameReader, type DecodedFrame } from './FrameReader.ts';
import { buildSdp } from '@maskwatch/ffmpeg/sdp';

export type CameraDecoderEvents = {
  frame: [frame: DecodedFrame];
  /** A frame came out of the decoder (before sampling). */
  input: [];
  status: [status: DecoderStatus, detail: string | null];
  /** The decoder needs a key frame (it started, or lost one): ask the server. */
  keyframe: [];
  /** Packets the decoder dropped because they failed SRTP authentication (forged, or damaged on the way). */
  rejected: [packets: number];
};

export type CameraDecoderOptions = {
  cameraId: string;
  stream: Stream;
  /** Where ffmpeg binds: the node's RTP address and the even port of the pair (RTCP on the next). */
  host: string;
  rtpPort: number;
  /** The SRTP key of the camera's RTP: every packet on the port that fails its authentication is dropped, counted. */
  srtp: SrtpParameters;
  fps: number;
  maxSide: number;
  ffmpegPath: string;
  /** No decoded frame for this long while running: `stalled` (and a key frame is asked for). */
  stallMs?: number;
  /** No decoded frame for this long: the decoder process is restarted. */
  restartMs?: number;
};

/** ffmpeg's line for a packet that failed SRTP authentication, and its count of repeats of the line before. */
const HMAC_MISMATCH = 'HMAC mismatch';
const REPEATED = /^Last message repeated (\d+) times?$/;
/** Lines that mean the decoder lost its reference and needs a key frame to show anything again. */
const NEEDS_KEYFRAME = /keyframe|key frame|reference|corrupt|error while decoding|concealing|missing picture/i;

/**
 * One camera's decoder on a node: a supervised ffmpeg (restarted with backoff when it exits or stops producing)
 * reading the camera's RTP and writing RGB frames at the analysed rate. Emits frames and its status; the owner
 * decides what they mean.
 */
export class CameraDecoder extends EnhancedEmitter<CameraDecoderEvents> {
  readonly cameraId: string;
  readonly rtpPort: number;
  readonly #supervisor: FfmpegSupervisor;
  readonly #reader: FrameReader;
  readonly #log: Logger;
  readonly #stallMs: number;
  #status: DecoderStatus = 'starting';
  #lastFrameAt = 0;
  /** The last stderr line was HMAC_MISMATCH (ffmpeg then prints only a count of its repeats). */
  #lastLineRejected = false;
  #watch: NodeJS.Timeout | undefined;
  #closed = false;

  constructor(options: CameraDecoderOptions) {
    super();
    this.cameraId = options.cameraId;
    this.rtpPort = options.rtpPort;
    this.#stallMs = options.stallMs ?? 3000;
    this.#log = createLogger('CameraDecoder', { cameraId: options.cameraId, rtpPort: options.rtpPort });
    const sdp = buildSdp(options.stream, options.host, options.rtpPort, options.srtp);
    const args = buildDecoderArgs({ maxSide: options.maxSide });
    // Half a frame interval of slack at 30 fps: 5 fps from a 25 fps camera keeps every 5th frame, not every 6th.
    this.#reader = new FrameReader(Math.max(0, 1000 / options.fps - 1000 / 60));
    this.#supervisor = new FfmpegSupervisor({
      name: `decoder:${options.cameraId}`,
      ffmpegPath: options.ffmpegPath,
      prepare: () => ({ args, stdin: sdp }),
      stdout: true,
      retryMinMs: 500,
      retryMaxMs: 5000,
      stableMs: 10_000,
      startTimeoutMs: options.restartMs ?? 10_000,
      stallMs: options.restartMs ?? 10_000,
    });
    this.#supervisor.on('spawn', (child) => {
      this.#reader.reset();
      child.stdout?.on('data', (chunk: Buffer) => this.#reader.data(chunk));
      // A fresh decoder waits for a key frame: ask once it has had a moment to bind its ports.
      setTimeout(() => this.safeEmit('keyframe'), 300).unref();
    });
    this.#supervisor.on('line', (line) => {
      const rejected = this.#rejectedPackets(line);
      if (rejected > 0) {
        this.safeEmit('rejected', rejected);
        return;
      }
      if (this.#reader.line(line)) return;
      this.#log.debug({ line }, 'ffmpeg');
      if (NEEDS_KEYFRAME.test(line)) this.safeEmit('keyframe');
    });
    this.#supervisor.on('exit', (info) => {
      this.#reader.reset();
      if (this.#closed) return;
      this.#log.warn({ reason: info.reason, retryInMs: info.retryInMs }, 'decoder ended');
      this.#setStatus('stalled', `decoder restarting: ${info.reason}`);
    });
    this.#reader.on('input', () => this.safeEmit('input'));
    this.#reader.on('frame', (frame) => this.#onFrame(frame));
    this.#reader.on('desync', (reason) => this.#supervisor.restart(reason, { immediate: true }));
  }

  get status(): DecoderStatus {
    return this.#status;
  }

  get restarts(): number {
    return Math.max(0, this.#supervisor.spawns - 1);
  }

  start(): void {
    if (this.#closed) return;
    this.#supervisor.start();
    this.#setStatus('starting', 'waiting for video');
    this.#watch = setInterval(() => this.#checkStall(), 500);
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    clearInterval(this.#watch);
    this.#supervisor.close();
    this.#reader.reset();
    this.removeAllListeners();
  }

  /** How many rejected packets `line` reports (ffmpeg writes a repeated line once, then how often it repeated). */
  #rejectedPackets(line: string): number {
    const repeated = REPEATED.exec(line);
    if (repeated) return this.#lastLineRejected ? Number(repeated[1]) : 0;
    this.#lastLineRejected = line === HMAC_MISMATCH;
    return this.#lastLineRejected ? 1 : 0;
  }

  #onFrame(frame: DecodedFrame): void {
    this.#lastFrameAt = Date.now();
    this.#supervisor.alive();
    if (this.#status !== 'running') this.#setStatus('running', null);
    this.safeEmit('frame', frame);
  }

  #checkStall(): void {
    if (this.#status !== 'running') return;
    const silent = Date.now() - this.#lastFrameAt;
    if (silent > this.#stallMs) {
      this.#setStatus('stalled', `no video for ${Math.round(silent / 1000)} s`);
      this.safeEmit('keyframe');
    }
  }

  #setStatus(status: DecoderStatus, detail: string | null): void {
    if (this.#status === status && status === 'running') return;
    this.#status = status;
    this.safeEmit('status', status, detail);
  }
}

import { EnhancedEmitter } from '@maskwatch/common/EnhancedEmitter';
import { createLogger, type Logger } from '@maskwatch/common/logger';
import { FfmpegSupervisor } from '@maskwatch/ffmpeg/FfmpegSupervisor';
import { buildSdp } from '@maskwatch/ffmpeg/sdp';
import { tiedToParent } from '@maskwatch/ffmpeg/parentDeath';
import type { Spawner } from '@maskwatch/ffmpeg/SpareSpawner';
import type { DecoderStatus, SrtpParameters, Stream } from '@maskwatch/protocol/inference';
import { buildDecoderArgs } from './decoderArgs.ts';
import { FrameReader, type DecodedFrame } from './FrameReader.ts';
import type { DecoderAcceleration } from './hwaccel.ts';
import { waitUntilListening } from './udpListening.ts';

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
  /** NVDEC for H.264 streams (the node found a CUDA device). */
  acceleration?: DecoderAcceleration;
  ffmpegPath: string;
  /** Starts ffmpeg (the node's SpareSpawner: one started ahead); default child_process.spawn. */
  spawner?: Spawner;
  /** No decoded frame for this long while running: `stalled` (and a key frame is asked for). */
  stallMs?: number;
  /** No decoded frame for this long: the decoder process is restarted. */
  restartMs?: number;
  /** While it has no picture (starting, stalled), the decoder asks for a key frame this often. */
  keyframeRetryMs?: number;
  /** How long `listening()` waits for ffmpeg to bind its RTP port. */
  listenTimeoutMs?: number;
};

/** ffmpeg's line for a packet that failed SRTP authentication, and its count of repeats of the line before. */
const HMAC_MISMATCH = 'HMAC mismatch';
const REPEATED = /^Last message repeated (\d+) times?$/;
/** Lines that mean the decoder lost its reference and needs a key frame to show anything again. */
const NEEDS_KEYFRAME = /keyframe|key frame|reference|corrupt|error while decoding|concealing|missing picture/i;

/** The command line a decoder of `codec` runs (as its supervisor starts it): what the node's spare is started with. */
export function decoderCommandLine(options: {
  ffmpegPath: string;
  maxSide: number;
  fps: number;
  codec: string;
  acceleration?: DecoderAcceleration;
}): { command: string; args: string[] } {
  const { ffmpegPath, ...decoder } = options;
  return tiedToParent(ffmpegPath, buildDecoderArgs(decoder));
}

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
  readonly #keyframeRetryMs: number;
  readonly #listenTimeoutMs: number;
  #status: DecoderStatus = 'starting';
  #lastFrameAt = 0;
  #lastKeyframeAskAt = 0;
  #spawnCount = 0;
  /** Settles once the first ffmpeg listens on its port (a key frame sent now reaches it), or could not. */
  readonly #listening: Promise<boolean | undefined>;
  #listened: ((listening: boolean | undefined) => void) | undefined;
  /** The last stderr line was HMAC_MISMATCH (ffmpeg then prints only a count of its repeats). */
  #lastLineRejected = false;
  #watch: NodeJS.Timeout | undefined;
  #closed = false;

  constructor(options: CameraDecoderOptions) {
    super();
    this.cameraId = options.cameraId;
    this.rtpPort = options.rtpPort;
    this.#stallMs = options.stallMs ?? 3000;
    this.#keyframeRetryMs = options.keyframeRetryMs ?? 1000;
    this.#listenTimeoutMs = options.listenTimeoutMs ?? 3000;
    this.#listening = new Promise((resolve) => (this.#listened = resolve));
    this.#log = createLogger('CameraDecoder', { cameraId: options.cameraId, rtpPort: options.rtpPort });
    const sdp = buildSdp(options.stream, options.host, options.rtpPort, options.srtp);
    const args = buildDecoderArgs({
      maxSide: options.maxSide,
      fps: options.fps,
      codec: options.stream.mimeType,
      ...(options.acceleration ? { acceleration: options.acceleration } : {}),
    });
    this.#reader = new FrameReader();
    this.#supervisor = new FfmpegSupervisor({
      name: `decoder:${options.cameraId}`,
      ffmpegPath: options.ffmpegPath,
      ...(options.spawner ? { spawner: options.spawner } : {}),
      prepare: () => ({ args, stdin: sdp }),
      stdout: true,
      retryMinMs: 500,
      retryMaxMs: 5000,
      stableMs: 10_000,
      startTimeoutMs: options.restartMs ?? 10_000,
      stallMs: options.restartMs ?? 10_000,
    });
    this.#supervisor.on('spawn', (child) => {
      const spawn = ++this.#spawnCount;
      this.#reader.reset();
      child.stdout?.on('data', (chunk: Buffer) => this.#reader.data(chunk));
      // A fresh decoder waits for a key frame: ask as soon as it listens (one asked for earlier never reached it).
      void waitUntilListening(this.rtpPort, { timeoutMs: this.#listenTimeoutMs }).then((listening) => {
        this.#listened?.(listening);
        this.#listened = undefined;
        if (!this.#closed && this.#spawnCount === spawn && spawn > 1) this.#askKeyframe();
      });
    });
    this.#supervisor.on('line', (line) => {
      const rejected = this.#rejectedPackets(line);
      if (rejected > 0) {
        this.safeEmit('rejected', rejected);
        return;
      }
      if (this.#reader.line(line)) return;
      this.#log.debug({ line }, 'ffmpeg');
      if (NEEDS_KEYFRAME.test(line)) this.#askKeyframe();
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

  /**
   * Resolves once the current ffmpeg listens on its RTP port (true), or after `listenTimeoutMs` (false; undefined
   * where the system's socket tables cannot be read). The node answers the server's assignment only then.
   */
  listening(): Promise<boolean | undefined> {
    // An ffmpeg that never starts (cannot be spawned) settles it too: not listening, after the same wait.
    let timer: NodeJS.Timeout | undefined;
    const giveUp = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), this.#listenTimeoutMs + 1000)));
    return Promise.race([this.#listening, giveUp]).finally(() => clearTimeout(timer));
  }

  start(): void {
    if (this.#closed) return;
    this.#supervisor.start();
    // The server asks for the first key frame when it resumes the consumer; ours start a second later.
    this.#lastKeyframeAskAt = Date.now();
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
    if (this.#status !== 'running') {
      // No picture yet (or any more): a key frame request can be lost like any packet; ask again.
      if (Date.now() - this.#lastKeyframeAskAt >= this.#keyframeRetryMs) this.#askKeyframe();
      return;
    }
    const silent = Date.now() - this.#lastFrameAt;
    if (silent > this.#stallMs) {
      this.#setStatus('stalled', `no video for ${Math.round(silent / 1000)} s`);
      this.#askKeyframe();
    }
  }

  #askKeyframe(): void {
    this.#lastKeyframeAskAt = Date.now();
    this.safeEmit('keyframe');
  }

  #setStatus(status: DecoderStatus, detail: string | null): void {
    if (this.#status === status && status === 'running') return;
    this.#status = status;
    this.safeEmit('status', status, detail);
  }
}

import { EnhancedEmitter } from '@maskwatch/common/EnhancedEmitter';
import { SHOWINFO, SKIPPED_SIDE } from './decoderArgs.ts';

/** One decoded frame, packed RGB24. */
export type DecodedFrame = {
  data: Uint8Array;
  width: number;
  height: number;
  /** When it reached the node's decoder (node clock, ms since epoch). */
  arrivedAt: number;
  /** When its pixels were read from the decoder (node clock, ms since epoch). */
  decodedAt: number;
};

export type FrameReaderEvents = {
  /** A frame written in full: one kept for analysis (ffmpeg made the others 2x2 placeholders). */
  frame: [frame: DecodedFrame];
  /** A frame came out of the decoder, kept or not: counts the input rate. */
  input: [];
  /** The byte stream and the frame headers no longer line up: the decoder must restart. */
  desync: [reason: string];
};

type Header = { width: number; height: number; arrivedAt: number; keep: boolean; readAt: number };

const FRAME_LINE = new RegExp(`^\\[${SHOWINFO} @ \\S+\\] n:\\s*\\d+ pts:\\s*(-?\\d+) .*? s:(\\d+)x(\\d+)`);
const TIME_BASE = new RegExp(`^\\[${SHOWINFO} @ \\S+\\] config in time_base: (\\d+)/(\\d+)`);
/** Bytes for more frames than this without headers: lost. */
const MAX_PENDING = 8;
/**
 * More frame headers than this waiting for their bytes, or one waiting longer than MAX_WAIT_MS while newer ones
 * come: lost. The two pipes are read apart, so a burst of headers ahead of their bytes is normal: after a pause
 * (a busy node), ffmpeg decodes the packets that waited in a burst and one stderr chunk brings a dozen lines
 * before the stdout chunks with their placeholders are read (a bound of 8 restarted decoders all the time at 24
 * cameras).
 */
const MAX_PENDING_HEADERS = 64;
const MAX_WAIT_MS = 2000;
/** A stamp before this (2001) is not a wall-clock time. */
const WALL_CLOCK_EPOCH_MS = 1e12;

/**
 * Pairs ffmpeg's raw frames (stdout) with their `showinfo` lines (stderr), in order: each line gives the next
 * frame's size and arrival time. Which of the two pipes is read first varies, so each side waits for the other.
 * Full frames are emitted; the 2x2 placeholders ffmpeg writes for frames not analysed (see decoderArgs) are counted
 * as input and their bytes skipped.
 */
export class FrameReader extends EnhancedEmitter<FrameReaderEvents> {
  readonly #headers: Header[] = [];
  #chunks: Buffer[] = [];
  #buffered = 0;
  #timeBase = 1 / 90000;
  #lastFrameBytes = 0;
  readonly #now: () => number;

  constructor(options: { now?: () => number } = {}) {
    super();
    this.#now = options.now ?? (() => performance.now());
  }

  /** One stderr line; returns whether it was one of ours. */
  line(line: string): boolean {
    const frame = FRAME_LINE.exec(line);
    if (frame) {
      const width = Number(frame[2]);
      const height = Number(frame[3]);
      const stamped = Number(frame[1]) * this.#timeBase * 1000;
      // The frames ffmpeg read while probing may carry no wall-clock stamp (pts 0): they arrived about now.
      const arrivedAt = stamped > WALL_CLOCK_EPOCH_MS && stamped <= Date.now() ? stamped : Date.now();
      const keep = width > SKIPPED_SIDE || height > SKIPPED_SIDE;
      const readAt = this.#now();
      this.#headers.push({ width, height, arrivedAt, keep, readAt });
      this.safeEmit('input');
      const waited = readAt - this.#headers[0]!.readAt;
      if (this.#headers.length > MAX_PENDING_HEADERS) this.#desync(`${this.#headers.length} frame headers without pixels`);
      else if (waited > MAX_WAIT_MS) this.#desync(`a frame's pixels missing for ${Math.round(waited)} ms`);
      else this.#drain();
      return true;
    }
    const timeBase = TIME_BASE.exec(line);
    if (timeBase) {
      const den = Number(timeBase[2]);
      if (den > 0) this.#timeBase = Number(timeBase[1]) / den;
      return true;
    }
    return line.startsWith(`[${SHOWINFO} @`);
  }

  data(chunk: Buffer): void {
    this.#chunks.push(chunk);
    this.#buffered += chunk.length;
    this.#drain();
    if (this.#headers.length === 0 && this.#lastFrameBytes > 0 && this.#buffered > MAX_PENDING * this.#lastFrameBytes) {
      this.#desync(`${this.#buffered} bytes of pixels without frame headers`);
    }
  }

  /** Forgets everything (a new decoder process starts). */
  reset(): void {
    this.#headers.length = 0;
    this.#chunks = [];
    this.#buffered = 0;
  }

  #drain(): void {
    for (;;) {
      const header = this.#headers[0];
      if (!header) return;
      const size = header.width * header.height * 3;
      if (this.#buffered < size) return;
      this.#headers.shift();
      if (!header.keep) {
        this.#take(size, false);
        continue;
      }
      this.#lastFrameBytes = size;
      const data = this.#take(size, true)!;
      const { width, height, arrivedAt } = header;
      this.safeEmit('frame', { data, width, height, arrivedAt, decodedAt: Date.now() });
    }
  }

  /** Consumes the first `size` buffered bytes; when `copy`, into a buffer of their own (it goes to a worker). */
  #take(size: number, copy: boolean): Uint8Array | undefined {
    const out = copy ? new Uint8Array(size) : undefined;
    let filled = 0;
    while (filled < size) {
      const chunk = this.#chunks[0]!;
      const n = Math.min(chunk.length, size - filled);
      out?.set(chunk.subarray(0, n), filled);
      filled += n;
      if (n === chunk.length) this.#chunks.shift();
      else this.#chunks[0] = chunk.subarray(n);
    }
    this.#buffered -= size;
    return out;
  }

  #desync(reason: string): void {
    this.reset();
    this.safeEmit('desync', reason);
  }
}

import { EnhancedEmitter } from '@maskwatch/common/EnhancedEmitter';
import { SHOWINFO_IN, SHOWINFO_OUT } from './decoderArgs.ts';

/** One decoded frame, packed RGB24. */
export type DecodedFrame = {
  data: Uint8Array;
  width: number;
  height: number;
  /** When its last packet reached the node's decoder (node clock, ms since epoch). */
  arrivedAt: number;
  /** When its pixels were read from the decoder (node clock, ms since epoch). */
  decodedAt: number;
};

export type FrameReaderEvents = {
  frame: [frame: DecodedFrame];
  /** A frame entered the decoder (before sampling): counts the input rate. */
  input: [];
  /** The byte stream and the frame headers no longer line up: the decoder must restart. */
  desync: [reason: string];
};

type Header = { pts: number; width: number; height: number };

const OUT_LINE = new RegExp(`^\\[${SHOWINFO_OUT} @ \\S+\\] n:\\s*\\d+ pts:\\s*(-?\\d+) .*? s:(\\d+)x(\\d+)`);
const OUT_TIME_BASE = new RegExp(`^\\[${SHOWINFO_OUT} @ \\S+\\] config in time_base: (\\d+)/(\\d+)`);
const IN_LINE = new RegExp(`^\\[${SHOWINFO_IN} @ \\S+\\] n:`);
/** A stamp before this (2001) is not a wall-clock time. */
const WALL_CLOCK_EPOCH_MS = 1e12;
/** More frame headers than this waiting for their bytes, or bytes for more frames than this without headers: lost. */
const MAX_PENDING = 8;

/**
 * Pairs ffmpeg's raw frames (stdout) with their `showinfo@out` lines (stderr), in order: each line gives the next
 * frame's size and timestamp. Which of the two pipes is read first varies, so each side waits for the other.
 */
export class FrameReader extends EnhancedEmitter<FrameReaderEvents> {
  readonly #headers: Header[] = [];
  #chunks: Buffer[] = [];
  #buffered = 0;
  #timeBase = 1 / 90000;
  #lastFrameBytes = 0;

  /** One stderr line; returns whether it was one of ours. */
  line(line: string): boolean {
    if (IN_LINE.test(line)) {
      this.safeEmit('input');
      return true;
    }
    const header = OUT_LINE.exec(line);
    if (header) {
      this.#headers.push({ pts: Number(header[1]), width: Number(header[2]), height: Number(header[3]) });
      if (this.#headers.length > MAX_PENDING) this.#desync(`${this.#headers.length} frame headers without pixels`);
      else this.#drain();
      return true;
    }
    const timeBase = OUT_TIME_BASE.exec(line);
    if (timeBase) {
      const den = Number(timeBase[2]);
      if (den > 0) this.#timeBase = Number(timeBase[1]) / den;
      return true;
    }
    return false;
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
      this.#lastFrameBytes = size;
      const data = this.#take(size);
      const decodedAt = Date.now();
      const stamped = header.pts * this.#timeBase * 1000;
      // The frames ffmpeg read while probing may carry no wall-clock stamp (pts 0): they arrived about now.
      const arrivedAt = stamped > WALL_CLOCK_EPOCH_MS && stamped <= decodedAt ? stamped : decodedAt;
      this.safeEmit('frame', { data, width: header.width, height: header.height, arrivedAt, decodedAt });
    }
  }

  /** The first `size` buffered bytes, copied into a buffer of their own (it will be transferred to a worker). */
  #take(size: number): Uint8Array {
    const out = new Uint8Array(size);
    let filled = 0;
    while (filled < size) {
      const chunk = this.#chunks[0]!;
      const n = Math.min(chunk.length, size - filled);
      out.set(chunk.subarray(0, n), filled);
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

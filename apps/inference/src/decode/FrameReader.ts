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

type Header = { width: number; height: number; arrivedAt: number; keep: boolean };

const FRAME_LINE = new RegExp(`^\\[${SHOWINFO} @ \\S+\\] n:\\s*\\d+ pts:\\s*(-?\\d+) .*? s:(\\d+)x(\\d+)`);
const TIME_BASE = new RegExp(`^\\[${SHOWINFO} @ \\S+\\] config in time_base: (\\d+)/(\\d+)`);
/** More frame headers than this waiting for their bytes, or bytes for more frames than this without headers: lost. */
const MAX_PENDING = 8;
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
      this.#headers.push({ width, height, arrivedAt, keep });
      this.safeEmit('input');
      if (this.#headers.length > MAX_PENDING) this.#desync(`${this.#headers.length} frame headers without pixels`);
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

import type { Box } from '@maskwatch/protocol/faces';
import type { RgbFrame } from '@maskwatch/vision/image/RgbFrame';

export type MotionGridOptions = {
  /** Cells across the frame's longer side (each cell's luma is the mean of a few of its pixels). */
  cells: number;
  /** A cell moved when its luma differs from the background by more than this (0..255). */
  threshold: number;
  /** How fast the background follows the picture (0..1 per analysed frame). */
  alpha: number;
  /** Connected moving cells fewer than this are noise. */
  minCells: number;
};

export const MOTION_DEFAULTS: MotionGridOptions = { cells: 96, threshold: 14, alpha: 0.15, minCells: 2 };

/**
 * Motion per camera, Frigate-style but cheap: the frame reduced to a grid of mean-luma cells (sampling every other
 * pixel), compared with a running background; moving cells grouped into boxes (4-connected). The first frame, and
 * a frame of another size (the camera changed resolution), only set the background: `update` returns null, meaning
 * "no idea: look at everything".
 */
export class MotionGrid {
  readonly #options: MotionGridOptions;
  #background: Float32Array | undefined;
  #cols = 0;
  #rows = 0;
  #cell = 0;
  #width = 0;
  #height = 0;

  constructor(options: Partial<MotionGridOptions> = {}) {
    this.#options = { ...MOTION_DEFAULTS, ...options };
  }

  /** Boxes (frame pixels) where the picture moved since the background, or null when there is no background yet. */
  update(frame: RgbFrame): Box[] | null {
    const { width, height } = frame;
    if (width !== this.#width || height !== this.#height || !this.#background) {
      this.#width = width;
      this.#height = height;
      this.#cell = Math.max(2, Math.ceil(Math.max(width, height) / this.#options.cells));
      this.#cols = Math.ceil(width / this.#cell);
      this.#rows = Math.ceil(height / this.#cell);
      this.#background = this.#luma(frame);
      return null;
    }
    const luma = this.#luma(frame);
    const background = this.#background;
    const { threshold, alpha } = this.#options;
    const moving = new Uint8Array(luma.length);
    for (let i = 0; i < luma.length; i++) {
      if (Math.abs(luma[i]! - background[i]!) > threshold) moving[i] = 1;
      background[i] = background[i]! + alpha * (luma[i]! - background[i]!);
    }
    return this.#boxes(moving);
  }

  /** Forgets the background (the next frame starts it again). */
  reset(): void {
    this.#background = undefined;
  }

  #luma(frame: RgbFrame): Float32Array {
    const { data, width, height } = frame;
    const cell = this.#cell;
    const sums = new Float32Array(this.#cols * this.#rows);
    const counts = new Uint16Array(sums.length);
    for (let y = 0; y < height; y += 2) {
      const row = Math.floor(y / cell) * this.#cols;
      let p = y * width * 3;
      for (let x = 0; x < width; x += 2, p += 6) {
        const i = row + Math.floor(x / cell);
        // Rec. 601 luma, integer weights.
        sums[i] = sums[i]! + ((data[p]! * 77 + data[p + 1]! * 150 + data[p + 2]! * 29) >> 8);
        counts[i] = counts[i]! + 1;
      }
    }
    for (let i = 0; i < sums.length; i++) sums[i] = sums[i]! / Math.max(1, counts[i]!);
    return sums;
  }

  /** 4-connected groups of moving cells as pixel boxes; groups under `minCells` are dropped. */
  #boxes(moving: Uint8Array): Box[] {
    const cols = this.#cols;
    const rows = this.#rows;
    const cell = this.#cell;
    const seen = new Uint8Array(moving.length);
    const stack: number[] = [];
    const boxes: Box[] = [];
    for (let start = 0; start < moving.length; start++) {
      if (!moving[start] || seen[start]) continue;
      let [x1, y1, x2, y2, count] = [cols, rows, -1, -1, 0];
      stack.push(start);
      seen[start] = 1;
      while (stack.length > 0) {
        const i = stack.pop()!;
        const cx = i % cols;
        const cy = (i - cx) / cols;
        count++;
        x1 = Math.min(x1, cx);
        y1 = Math.min(y1, cy);
        x2 = Math.max(x2, cx);
        y2 = Math.max(y2, cy);
        const neighbours = [cx > 0 ? i - 1 : -1, cx < cols - 1 ? i + 1 : -1, cy > 0 ? i - cols : -1, cy < rows - 1 ? i + cols : -1];
        for (const n of neighbours) {
          if (n >= 0 && moving[n] && !seen[n]) {
            seen[n] = 1;
            stack.push(n);
          }
        }
      }
      if (count < this.#options.minCells) continue;
      boxes.push([x1 * cell, y1 * cell, Math.min(this.#width, (x2 + 1) * cell), Math.min(this.#height, (y2 + 1) * cell)]);
    }
    return boxes;
  }
}

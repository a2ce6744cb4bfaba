import type { Box } from '@maskwatch/protocol/faces';

import type { RgbFrame } from '../image/RgbFrame.ts';

/**
 * A person's look, cheap enough for every face of every frame: colour histograms of two regions, the upper face
 * (hair, forehead, eyes: what a mask leaves visible) and the clothes below the face. Each region's histogram has
 * `BINS` bins (12 hues x 2 saturations for coloured pixels, 4 grey levels for the rest), L1-normalised, then
 * square-rooted, so that the dot product of two regions is their Bhattacharyya coefficient (1: same colours).
 * Quantised to 0..255 per bin to travel in results. A region outside the frame is all zeros ("not seen").
 *
 * It is not a face recogniser: it tells "the man in the red hoodie" from "the woman in the white shirt" and says
 * little between two people dressed alike. The tracker uses it only among candidates its motion gate allows, and
 * the alert rule only together with position.
 */
export const APPEARANCE_REGIONS = ['face', 'clothes'] as const;
const HUES = 12;
const SATURATIONS = 2;
const GREYS = 4;
export const APPEARANCE_BINS = HUES * SATURATIONS + GREYS;
export const APPEARANCE_LENGTH = APPEARANCE_REGIONS.length * APPEARANCE_BINS;
/** Samples per region and axis (a regular grid, nearest pixel): 16 x 16 = 256 pixels a region. */
const GRID = 16;
/** A region with less than this share of its area inside the frame is not described. */
const MIN_INSIDE = 0.3;
/** Below this saturation (0..1) or value a pixel counts as grey. */
const MIN_SATURATION = 0.18;
const MIN_VALUE = 0.12;

/** Quantised descriptor: APPEARANCE_LENGTH integers 0..255. */
export type Appearance = readonly number[];

/** The two regions of a face box, in frame pixels (may reach outside the frame). */
export function appearanceRegions(box: Box): Record<(typeof APPEARANCE_REGIONS)[number], Box> {
  const [x1, y1, x2, y2] = box;
  const w = x2 - x1;
  const h = y2 - y1;
  const cx = (x1 + x2) / 2;
  return {
    face: [x1 + 0.15 * w, y1 + 0.05 * h, x2 - 0.15 * w, y1 + 0.5 * h],
    clothes: [cx - 0.9 * w, y2 + 0.25 * h, cx + 0.9 * w, y2 + h],
  };
}

/** The appearance of the person whose face is `box` in `frame`. */
export function describeAppearance(frame: RgbFrame, box: Box): number[] {
  const out = new Array<number>(APPEARANCE_LENGTH).fill(0);
  const regions = appearanceRegions(box);
  APPEARANCE_REGIONS.forEach((name, r) => histogram(frame, regions[name], out, r * APPEARANCE_BINS));
  return out;
}

function histogram(frame: RgbFrame, region: Box, out: number[], offset: number): void {
  const { width, height, data } = frame;
  const [rx1, ry1, rx2, ry2] = region;
  const x1 = Math.max(0, rx1);
  const y1 = Math.max(0, ry1);
  const x2 = Math.min(width, rx2);
  const y2 = Math.min(height, ry2);
  const area = (rx2 - rx1) * (ry2 - ry1);
  if (!(x2 > x1 && y2 > y1) || !(area > 0) || ((x2 - x1) * (y2 - y1)) / area < MIN_INSIDE) return;
  const counts = new Float64Array(APPEARANCE_BINS);
  const sx = (x2 - x1) / GRID;
  const sy = (y2 - y1) / GRID;
  for (let j = 0; j < GRID; j++) {
    const y = Math.min(height - 1, Math.floor(y1 + (j + 0.5) * sy));
    for (let i = 0; i < GRID; i++) {
      const x = Math.min(width - 1, Math.floor(x1 + (i + 0.5) * sx));
      const at = (y * width + x) * 3;
      counts[bin(data[at]!, data[at + 1]!, data[at + 2]!)]! += 1;
    }
  }
  const total = GRID * GRID;
  for (let b = 0; b < APPEARANCE_BINS; b++) out[offset + b] = Math.round(Math.sqrt(counts[b]! / total) * 255);
}

/** HSV bin of one pixel: coloured pixels by hue and saturation, the others by grey level. */
function bin(r: number, g: number, b: number): number {
  const max = Math.max(r, g, b);
  const min = Math.min(r, g, b);
  const v = max / 255;
  const s = max > 0 ? (max - min) / max : 0;
  if (s < MIN_SATURATION || v < MIN_VALUE) return HUES * SATURATIONS + Math.min(GREYS - 1, Math.floor(v * GREYS));
  const d = max - min;
  let h: number;
  if (max === r) h = ((g - b) / d + 6) % 6;
  else if (max === g) h = (b - r) / d + 2;
  else h = (r - g) / d + 4;
  const hue = Math.min(HUES - 1, Math.floor((h / 6) * HUES));
  return hue * SATURATIONS + (s < 0.5 ? 0 : 1);
}

/**
 * How alike two appearances are, 0..1: the mean Bhattacharyya coefficient over the regions seen in both; null
 * when no region was seen in both (nothing to compare).
 */
export function appearanceSimilarity(a: Appearance, b: Appearance): number | null {
  let sum = 0;
  let regions = 0;
  for (let r = 0; r < APPEARANCE_REGIONS.length; r++) {
    let dot = 0;
    let na = 0;
    let nb = 0;
    for (let k = r * APPEARANCE_BINS; k < (r + 1) * APPEARANCE_BINS; k++) {
      const x = a[k] ?? 0;
      const y = b[k] ?? 0;
      dot += x * y;
      na += x * x;
      nb += y * y;
    }
    if (na === 0 || nb === 0) continue;
    sum += dot / Math.sqrt(na * nb);
    regions++;
  }
  return regions === 0 ? null : sum / regions;
}

/**
 * A running appearance: an exponential average of the square-rooted histograms (what a track remembers), per
 * region, so a region seen once keeps its last look while it is out of the frame.
 */
export class AppearanceModel {
  readonly #mean = new Float64Array(APPEARANCE_LENGTH);
  readonly #seen = new Array<boolean>(APPEARANCE_REGIONS.length).fill(false);
  readonly #rate: number;

  /** `rate`: weight of a new observation, 0..1. */
  constructor(rate: number = 0.2) {
    this.#rate = rate;
  }

  get known(): boolean {
    return this.#seen.some(Boolean);
  }

  add(appearance: Appearance): void {
    for (let r = 0; r < APPEARANCE_REGIONS.length; r++) {
      const from = r * APPEARANCE_BINS;
      let present = false;
      for (let k = from; k < from + APPEARANCE_BINS; k++) if ((appearance[k] ?? 0) > 0) present = true;
      if (!present) continue;
      const rate = this.#seen[r] ? this.#rate : 1;
      for (let k = from; k < from + APPEARANCE_BINS; k++) {
        this.#mean[k] = this.#mean[k]! + rate * ((appearance[k] ?? 0) - this.#mean[k]!);
      }
      this.#seen[r] = true;
    }
  }

  /** The averaged appearance, quantised like a descriptor. */
  value(): number[] {
    return Array.from(this.#mean, (x) => Math.round(x));
  }
}

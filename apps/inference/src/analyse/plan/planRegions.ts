import type { Box } from '@maskwatch/protocol/faces';

export type RegionPlanOptions = {
  /** Around a face seen lately: this share of its size on each side (it may have moved since). */
  faceMargin: number;
  /** Around a moving area: this share of its size, plus `motionPadding` px, on each side (a head above a body). */
  motionMargin: number;
  motionPadding: number;
  /** Regions are at least this many pixels on each side (the detector needs context). */
  minSide: number;
  /** Regions covering more than this share of the frame: one full-frame pass is cheaper and finds more. */
  maxCoverage: number;
};

export const REGION_DEFAULTS: RegionPlanOptions = {
  faceMargin: 0.75,
  motionMargin: 0.15,
  motionPadding: 24,
  minSide: 128,
  maxCoverage: 0.5,
};

const area = (b: Box) => Math.max(0, b[2] - b[0]) * Math.max(0, b[3] - b[1]);
const overlaps = (a: Box, b: Box) => a[0] < b[2] && b[0] < a[2] && a[1] < b[3] && b[1] < a[3];

/** `box` grown by `share` of its size and `pad` px on each side, at least `minSide` wide and high, in the frame. */
function grow(box: Box, share: number, pad: number, minSide: number, width: number, height: number): Box {
  const w = box[2] - box[0];
  const h = box[3] - box[1];
  const side = Math.max(w, h);
  let [x1, y1, x2, y2] = [box[0] - side * share - pad, box[1] - side * share - pad, box[2] + side * share + pad, box[3] + side * share + pad];
  const fit = (a: number, b: number, limit: number): [number, number] => {
    const need = Math.min(limit, Math.max(minSide, b - a));
    const centre = (a + b) / 2;
    let lo = centre - need / 2;
    lo = Math.min(Math.max(0, lo), limit - need);
    return [Math.max(0, lo), Math.min(limit, lo + need)];
  };
  [x1, x2] = fit(x1, x2, width);
  [y1, y2] = fit(y1, y2, height);
  return [Math.floor(x1), Math.floor(y1), Math.ceil(x2), Math.ceil(y2)];
}

/**
 * Where the detector should look in a width x height frame: around the faces seen lately and around what moved,
 * merged where they overlap. Returns 'full' when those regions would cover most of the frame anyway, and [] when
 * there is nothing to look at (no faces lately, nothing moving).
 */
export function planRegions(
  width: number,
  height: number,
  { faces, motion }: { faces: readonly Box[]; motion: readonly Box[] },
  options: RegionPlanOptions = REGION_DEFAULTS,
): Box[] | 'full' {
  const { faceMargin, motionMargin, motionPadding, minSide, maxCoverage } = options;
  let regions = [
    ...faces.map((b) => grow(b, faceMargin, 0, minSide, width, height)),
    ...motion.map((b) => grow(b, motionMargin, motionPadding, minSide, width, height)),
  ];
  // Merge until no two overlap (few regions per frame: quadratic is fine).
  for (let merged = true; merged; ) {
    merged = false;
    outer: for (let i = 0; i < regions.length; i++) {
      for (let j = i + 1; j < regions.length; j++) {
        const a = regions[i]!;
        const b = regions[j]!;
        if (!overlaps(a, b)) continue;
        const union: Box = [Math.min(a[0], b[0]), Math.min(a[1], b[1]), Math.max(a[2], b[2]), Math.max(a[3], b[3])];
        regions = [...regions.filter((_, k) => k !== i && k !== j), union];
        merged = true;
        break outer;
      }
    }
  }
  const covered = regions.reduce((sum, b) => sum + area(b), 0);
  return covered > maxCoverage * width * height ? 'full' : regions;
}

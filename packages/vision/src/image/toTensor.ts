import { VisionError } from '../VisionError.ts';
import type { RgbFrame } from './RgbFrame.ts';

export type PixelPacking = {
  pixelFormat: 'RGB' | 'BGR';
  /** Tensor value = pixel * scale + offset. */
  normalize: { scale: number; offset: number };
};

const lutCache = new Map<string, Float32Array>();

/**
 * The 256 tensor values of a normalisation. Computed as float32 `pixel / (1 / scale) + offset`, one float32
 * rounding per step, which is what numpy gives for `x / 127.5 - 1` on float32 arrays: the training side's
 * arithmetic to the last bit. Int8 models quantise the input, and `x * (1 / 127.5)` in double lands one ulp off
 * on half the pixels, which flips their rounding at quantisation and moves the logits.
 */
export function normalizationTable(normalize: { scale: number; offset: number }): Float32Array {
  const key = `${normalize.scale}/${normalize.offset}`;
  let lut = lutCache.get(key);
  if (lut === undefined) {
    const divisor = 1 / normalize.scale;
    lut = new Float32Array(256);
    for (let v = 0; v < 256; v++) lut[v] = Math.fround(Math.fround(v / divisor) + normalize.offset);
    lutCache.set(key, lut);
  }
  return lut;
}

/**
 * Writes one frame as planar CHW float32 into `target` at element `offset`, in the top-left corner of a
 * planeWidth x planeHeight plane (the rest, padding, gets the value of a black pixel).
 */
export function writeChw(
  frame: RgbFrame,
  packing: PixelPacking,
  target: Float32Array,
  offset: number = 0,
  planeWidth: number = frame.width,
  planeHeight: number = frame.height,
): void {
  const { width, height, data } = frame;
  if (planeWidth < width || planeHeight < height) {
    throw new VisionError(
      'INVALID_ARGUMENT',
      `frame ${width}x${height} does not fit a ${planeWidth}x${planeHeight} plane`,
    );
  }
  const plane = planeWidth * planeHeight;
  if (offset + 3 * plane > target.length) {
    throw new VisionError(
      'INVALID_ARGUMENT',
      `tensor of ${target.length} values too small for a 3x${planeHeight}x${planeWidth} plane at ${offset}`,
    );
  }
  const lut = normalizationTable(packing.normalize);
  const bias = lut[0]!;
  // Channel c of the tensor reads byte order[c] of each RGB pixel.
  const [c0, c1, c2] = packing.pixelFormat === 'RGB' ? [0, 1, 2] : [2, 1, 0];
  const p0 = offset;
  const p1 = offset + plane;
  const p2 = offset + 2 * plane;
  if (planeWidth !== width || planeHeight !== height) target.fill(bias, offset, offset + 3 * plane);
  for (let y = 0; y < height; y++) {
    let s = y * width * 3;
    let t = y * planeWidth;
    for (let x = 0; x < width; x++, s += 3, t++) {
      target[p0 + t] = lut[data[s + c0]!]!;
      target[p1 + t] = lut[data[s + c1]!]!;
      target[p2 + t] = lut[data[s + c2]!]!;
    }
  }
}

/** Packs equally sized frames as one NCHW float32 batch. */
export function packNchw(frames: readonly RgbFrame[], packing: PixelPacking): Float32Array {
  const first = frames[0];
  if (first === undefined) return new Float32Array(0);
  const plane = first.width * first.height;
  const out = new Float32Array(frames.length * 3 * plane);
  frames.forEach((frame, n) => {
    if (frame.width !== first.width || frame.height !== first.height) {
      throw new VisionError(
        'INVALID_ARGUMENT',
        `batch frames must share one size: ${frame.width}x${frame.height} vs ${first.width}x${first.height}`,
      );
    }
    writeChw(frame, packing, out, n * 3 * plane);
  });
  return out;
}

import { assertRgbFrame, createRgbFrame, type RgbFrame } from './RgbFrame.ts';

/**
 * The one resampling kernel of this package. Output pixel (i, j) takes the source point
 * x = x0 + (j + 0.5) * stepX - 0.5, y = y0 + (i + 0.5) * stepY - 0.5 (pixel centres, as OpenCV's INTER_LINEAR
 * and PIL's bilinear do), interpolated bilinearly between its four neighbours, with coordinates outside the
 * source clamped to the edge pixel. Writes into `into` when given (a pooled buffer; the frame returned views it).
 */
export function sampleBilinear(
  src: RgbFrame,
  x0: number,
  y0: number,
  stepX: number,
  stepY: number,
  outWidth: number,
  outHeight: number,
  into?: Uint8Array,
): RgbFrame {
  assertRgbFrame(src);
  // `into`: a caller's scratch buffer of at least outWidth * outHeight * 3 bytes, reused instead of a new frame.
  const out = createRgbFrame(outWidth, outHeight, into?.subarray(0, outWidth * outHeight * 3));
  const { data: s, width: w, height: h } = src;
  const d = out.data;
  // Column taps are the same for every row: compute them once.
  const xa = new Int32Array(outWidth);
  const xb = new Int32Array(outWidth);
  const fx = new Float32Array(outWidth);
  for (let j = 0; j < outWidth; j++) {
    const x = Math.min(Math.max(x0 + (j + 0.5) * stepX - 0.5, 0), w - 1);
    const xi = Math.floor(x);
    xa[j] = xi * 3;
    xb[j] = Math.min(xi + 1, w - 1) * 3;
    fx[j] = x - xi;
  }
  let o = 0;
  for (let i = 0; i < outHeight; i++) {
    const y = Math.min(Math.max(y0 + (i + 0.5) * stepY - 0.5, 0), h - 1);
    const yi = Math.floor(y);
    const fy = y - yi;
    const rowA = yi * w * 3;
    const rowB = Math.min(yi + 1, h - 1) * w * 3;
    for (let j = 0; j < outWidth; j++) {
      const a = xa[j]!;
      const b = xb[j]!;
      const f = fx[j]!;
      // Unrolled over R, G, B; values are >= 0, so (v + 0.5) | 0 equals Math.round(v).
      const a0 = rowA + a;
      const b0 = rowA + b;
      const a1 = rowB + a;
      const b1 = rowB + b;
      let p = s[a0]!;
      let top = p + (s[b0]! - p) * f;
      p = s[a1]!;
      let bottom = p + (s[b1]! - p) * f;
      d[o++] = (top + (bottom - top) * fy + 0.5) | 0;
      p = s[a0 + 1]!;
      top = p + (s[b0 + 1]! - p) * f;
      p = s[a1 + 1]!;
      bottom = p + (s[b1 + 1]! - p) * f;
      d[o++] = (top + (bottom - top) * fy + 0.5) | 0;
      p = s[a0 + 2]!;
      top = p + (s[b0 + 2]! - p) * f;
      p = s[a1 + 2]!;
      bottom = p + (s[b1 + 2]! - p) * f;
      d[o++] = (top + (bottom - top) * fy + 0.5) | 0;
    }
  }
  return out;
}

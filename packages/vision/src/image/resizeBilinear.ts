import { VisionError } from '../VisionError.ts';
import type { RgbFrame } from './RgbFrame.ts';
import { sampleBilinear } from './sampleBilinear.ts';

/** Resizes a frame to outWidth x outHeight (bilinear, pixel-centre aligned, clamp to edge). */
export function resizeBilinear(frame: RgbFrame, outWidth: number, outHeight: number): RgbFrame {
  if (!Number.isInteger(outWidth) || !Number.isInteger(outHeight) || outWidth <= 0 || outHeight <= 0) {
    throw new VisionError('INVALID_ARGUMENT', `resize target must be positive integers, got ${outWidth}x${outHeight}`);
  }
  if (outWidth === frame.width && outHeight === frame.height) return frame;
  return sampleBilinear(frame, 0, 0, frame.width / outWidth, frame.height / outHeight, outWidth, outHeight);
}

import type { Box } from '@maskwatch/protocol/faces';

import { VisionError } from '../VisionError.ts';
import type { RgbFrame } from './RgbFrame.ts';
import { sampleBilinear } from './sampleBilinear.ts';

/** Context around the detector box on each side, as a fraction of the box's longer side. */
export const CROP_MARGIN = 0.15;

/** The square, in source pixels, that `cropFace` samples: centred on the box, side max(w, h) * (1 + 2 * margin). */
export function faceCropSquare(box: Box, margin: number = CROP_MARGIN): Box {
  const [x1, y1, x2, y2] = box;
  const side = Math.max(x2 - x1, y2 - y1) * (1 + 2 * margin);
  const cx = (x1 + x2) / 2;
  const cy = (y1 + y2) / 2;
  return [cx - side / 2, cy - side / 2, cx + side / 2, cy + side / 2];
}

/** The largest square centred in a width x height picture (the crop used when no face was found). */
export function centredSquare(width: number, height: number): Box {
  const side = Math.min(width, height);
  const x1 = (width - side) / 2;
  const y1 = (height - side) / 2;
  return [x1, y1, x1 + side, y1 + side];
}

/** Samples the square `square` (source pixels, may reach outside the frame) to size x size, clamping to edge. */
export function cropSquare(frame: RgbFrame, square: Box, size: number): RgbFrame {
  const [x1, y1, x2, y2] = square;
  const side = x2 - x1;
  if (!(side > 0) || Math.abs(y2 - y1 - side) > 1e-6 * Math.max(1, side)) {
    throw new VisionError('INVALID_ARGUMENT', `crop region must be a non-empty square, got [${square.join(', ')}]`);
  }
  if (!Number.isInteger(size) || size <= 0) {
    throw new VisionError('INVALID_ARGUMENT', `crop size must be a positive integer, got ${size}`);
  }
  const step = side / size;
  return sampleBilinear(frame, x1, y1, step, step, size, size);
}

/**
 * THE face crop, used both to write the training crops and on live frames: a square centred on the detector
 * box, side max(w, h) * (1 + 2 * margin), sampled bilinearly with clamp-to-edge to size x size RGB.
 */
export function cropFace(frame: RgbFrame, box: Box, size: number, margin: number = CROP_MARGIN): RgbFrame {
  const [x1, y1, x2, y2] = box;
  if (!(x2 > x1) || !(y2 > y1)) {
    throw new VisionError('INVALID_ARGUMENT', `face box must have positive width and height, got [${box.join(', ')}]`);
  }
  return cropSquare(frame, faceCropSquare(box, margin), size);
}

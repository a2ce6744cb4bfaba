import { VisionError } from '../VisionError.ts';

/** A decoded picture: packed RGB24, row-major, no padding between rows. */
export type RgbFrame = {
  data: Uint8Array;
  width: number;
  height: number;
};

/** Checks that `data` holds exactly width*height*3 bytes; allocates it when omitted. */
export function createRgbFrame(width: number, height: number, data?: Uint8Array): RgbFrame {
  if (!Number.isInteger(width) || !Number.isInteger(height) || width <= 0 || height <= 0) {
    throw new VisionError('INVALID_ARGUMENT', `frame size must be positive integers, got ${width}x${height}`);
  }
  const bytes = data ?? new Uint8Array(width * height * 3);
  if (bytes.length !== width * height * 3) {
    throw new VisionError(
      'INVALID_ARGUMENT',
      `RGB frame ${width}x${height} needs ${width * height * 3} bytes, got ${bytes.length}`,
    );
  }
  return { data: bytes, width, height };
}

/** Throws INVALID_ARGUMENT unless `frame` is a well-formed RGB24 frame (catches RGBA or YUV buffers passed by mistake). */
export function assertRgbFrame(frame: RgbFrame): void {
  const { width, height, data } = frame;
  if (
    !Number.isInteger(width) ||
    !Number.isInteger(height) ||
    width <= 0 ||
    height <= 0 ||
    data.length !== width * height * 3
  ) {
    throw new VisionError(
      'INVALID_ARGUMENT',
      `expected an RGB24 frame: ${width}x${height} needs ${width * height * 3} bytes, got ${data.length}`,
    );
  }
}

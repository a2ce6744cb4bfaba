import sharp from 'sharp';

import { VisionError } from '../VisionError.ts';
import { createRgbFrame, type RgbFrame } from './RgbFrame.ts';

/**
 * Decodes any image sharp reads (JPEG, PNG, WebP, GIF, TIFF, AVIF) to RGB24, turned upright by its EXIF
 * orientation, alpha dropped, grey and CMYK converted to sRGB, 16-bit reduced to 8-bit.
 * `source` is a file path or the encoded bytes.
 */
export async function decodeImage(source: string | Uint8Array): Promise<RgbFrame> {
  const name = typeof source === 'string' ? source : `<${source.length} bytes>`;
  try {
    const { data, info } = await sharp(source, { failOn: 'error' })
      .rotate()
      .removeAlpha()
      .toColourspace('srgb')
      .raw({ depth: 'uchar' })
      .toBuffer({ resolveWithObject: true });
    if (info.channels !== 3) {
      throw new Error(`decoded to ${info.channels} channels, expected 3`);
    }
    return createRgbFrame(info.width, info.height, new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
  } catch (error) {
    throw new VisionError('IMAGE_DECODE_FAILED', `cannot decode image ${name}: ${(error as Error).message}`, {
      cause: error,
    });
  }
}

/** Encodes a frame as PNG (crops for training, fixtures). */
export async function encodePng(frame: RgbFrame): Promise<Buffer> {
  return sharp(frame.data, { raw: { width: frame.width, height: frame.height, channels: 3 } })
    .png({ compressionLevel: 6 })
    .toBuffer();
}

import sharp from 'sharp';
import type { Box } from '@maskwatch/protocol/faces';
import { assertRgbFrame, type RgbFrame } from '../image/RgbFrame.ts';

export type SnapshotOptions = {
  /** JPEG quality of the snapshot (the thumbnail uses the same). */
  quality?: number;
  /** Side of the square face thumbnail, in pixels. */
  thumbnailSize?: number;
  /** Colour of the offender's box. */
  color?: readonly [number, number, number];
};

export type Snapshot = { jpeg: Uint8Array; thumbnail: Uint8Array; width: number; height: number };

/** Integer pixel rectangle of `box` grown by `grow` of its size on each side, clamped to the frame; null if empty. */
function rect(box: Box, width: number, height: number, grow: number): { left: number; top: number; w: number; h: number } | null {
  const [x1, y1, x2, y2] = box;
  const gx = (x2 - x1) * grow;
  const gy = (y2 - y1) * grow;
  const left = Math.max(0, Math.floor(x1 - gx));
  const top = Math.max(0, Math.floor(y1 - gy));
  const right = Math.min(width, Math.ceil(x2 + gx));
  const bottom = Math.min(height, Math.ceil(y2 + gy));
  if (!(right > left && bottom > top)) return null;
  return { left, top, w: right - left, h: bottom - top };
}

/** Replaces a region of `data` (RGB24, `width` wide) with a coarse, smoothed version of itself: no face survives it. */
async function blurRegion(data: Uint8Array, width: number, height: number, box: Box): Promise<void> {
  const r = rect(box, width, height, 0.1);
  if (!r) return;
  const blurred = await sharp(data, { raw: { width, height, channels: 3 } })
    .extract({ left: r.left, top: r.top, width: r.w, height: r.h })
    .resize(Math.max(1, Math.round(r.w / 16)), Math.max(1, Math.round(r.h / 16)), { fit: 'fill' })
    .resize(r.w, r.h, { fit: 'fill', kernel: 'cubic' })
    .blur(Math.max(1, Math.min(r.w, r.h) / 12))
    .raw()
    .toBuffer();
  for (let y = 0; y < r.h; y++) {
    const from = y * r.w * 3;
    data.set(blurred.subarray(from, from + r.w * 3), ((r.top + y) * width + r.left) * 3);
  }
}

/** Draws the outline of `box` into `data`, `thickness` pixels wide, inside the frame. */
function drawBox(data: Uint8Array, width: number, height: number, box: Box, color: readonly [number, number, number]): void {
  const r = rect(box, width, height, 0);
  if (!r) return;
  const thickness = Math.max(2, Math.round(Math.max(width, height) / 240));
  const paint = (x: number, y: number): void => {
    const at = (y * width + x) * 3;
    data[at] = color[0];
    data[at + 1] = color[1];
    data[at + 2] = color[2];
  };
  for (let t = 0; t < thickness; t++) {
    const top = Math.max(0, r.top - t - 1);
    const bottom = Math.min(height - 1, r.top + r.h + t);
    const left = Math.max(0, r.left - t - 1);
    const right = Math.min(width - 1, r.left + r.w + t);
    for (let x = left; x <= right; x++) {
      paint(x, top);
      paint(x, bottom);
    }
    for (let y = top; y <= bottom; y++) {
      paint(left, y);
      paint(right, y);
    }
  }
}

/**
 * The evidence of an alert, rendered where the frame is (the inference node): a JPEG of the analysed frame with
 * the offender's `box` outlined and every box in `blur` (the other people) made unrecognisable, and a square
 * JPEG thumbnail of the offender's face (with some margin, not blurred).
 */
export async function renderSnapshot(
  frame: RgbFrame,
  box: Box,
  blur: readonly Box[],
  options: SnapshotOptions = {},
): Promise<Snapshot> {
  assertRgbFrame(frame);
  const { width, height } = frame;
  const quality = options.quality ?? 82;
  const size = options.thumbnailSize ?? 128;
  const data = new Uint8Array(frame.data);
  for (const other of blur) await blurRegion(data, width, height, other);

  // The thumbnail is cut before the outline is drawn: a square around the face, 30% margin.
  const [x1, y1, x2, y2] = box;
  const side = Math.max(x2 - x1, y2 - y1) * 1.6;
  const cx = (x1 + x2) / 2;
  const cy = (y1 + y2) / 2;
  const square = rect([cx - side / 2, cy - side / 2, cx + side / 2, cy + side / 2], width, height, 0);
  const raw = { raw: { width, height, channels: 3 as const } };
  const thumbnail = square
    ? await sharp(data, raw)
        .extract({ left: square.left, top: square.top, width: square.w, height: square.h })
        .resize(size, size, { fit: 'cover' })
        .jpeg({ quality })
        .toBuffer()
    : await sharp(data, raw).resize(size, size, { fit: 'cover' }).jpeg({ quality }).toBuffer();

  drawBox(data, width, height, box, options.color ?? [255, 40, 40]);
  const jpeg = await sharp(data, raw).jpeg({ quality }).toBuffer();
  return { jpeg: new Uint8Array(jpeg), thumbnail: new Uint8Array(thumbnail), width, height };
}

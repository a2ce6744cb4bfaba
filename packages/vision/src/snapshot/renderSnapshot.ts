import sharp from 'sharp';
import type { Box } from '@maskwatch/protocol/faces';
import { cropFace } from '../image/cropFace.ts';
import { assertRgbFrame, type RgbFrame } from '../image/RgbFrame.ts';

export type SnapshotOptions = {
  /** JPEG quality of the snapshot (the thumbnail uses the same). */
  quality?: number;
  /** Side of the square face thumbnail, in pixels: the classifier's input size makes it the crop it saw (128). */
  thumbnailSize?: number;
  /** Side of the crop shown in a corner of the snapshot, as a share of the frame's shorter side (0: none). */
  insetShare?: number;
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
 * Puts `crop` (the decisive face crop), `side` px square and framed in `color`, in the corner of the frame
 * farthest from the offender's box, so the scene and the crop that decided the alert are seen together.
 */
async function drawInset(
  data: Uint8Array,
  width: number,
  height: number,
  box: Box,
  crop: RgbFrame,
  side: number,
  color: readonly [number, number, number],
): Promise<void> {
  const border = Math.max(2, Math.round(side / 40));
  const inner = side - 2 * border;
  const margin = Math.max(4, Math.round(Math.min(width, height) / 60));
  if (inner < 16 || side + 2 * margin > Math.min(width, height)) return;
  const scaled = await sharp(crop.data, { raw: { width: crop.width, height: crop.height, channels: 3 } })
    .resize(inner, inner, { fit: 'fill', kernel: 'cubic' })
    .raw()
    .toBuffer();
  const cx = (box[0] + box[2]) / 2;
  const cy = (box[1] + box[3]) / 2;
  const left = cx < width / 2 ? width - side - margin : margin;
  const top = cy < height / 2 ? height - side - margin : margin;
  for (let y = 0; y < side; y++) {
    for (let x = 0; x < side; x++) {
      const at = ((top + y) * width + left + x) * 3;
      const inside = x >= border && y >= border && x < border + inner && y < border + inner;
      if (inside) {
        const from = ((y - border) * inner + (x - border)) * 3;
        data[at] = scaled[from]!;
        data[at + 1] = scaled[from + 1]!;
        data[at + 2] = scaled[from + 2]!;
      } else {
        data[at] = color[0];
        data[at + 1] = color[1];
        data[at + 2] = color[2];
      }
    }
  }
}

/**
 * The evidence of an alert, rendered where the frame is (the inference node): a JPEG of the analysed frame with
 * the offender's `box` outlined, every box in `blur` (the other people) made unrecognisable, and, in the corner
 * farthest from the offender, the face crop the classifier judged; and that crop alone as the square thumbnail.
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

  // The thumbnail is the face crop the classifier judged (cropFace: the same square, margin and sampling), cut
  // before the outline is drawn, after the bystanders are blurred.
  const crop = cropFace({ data, width, height }, box, size);
  const raw = { raw: { width, height, channels: 3 as const } };
  const thumbnail = await sharp(crop.data, { raw: { width: size, height: size, channels: 3 } }).jpeg({ quality }).toBuffer();

  const color = options.color ?? [255, 40, 40];
  drawBox(data, width, height, box, color);
  await drawInset(data, width, height, box, crop, Math.round(Math.min(width, height) * (options.insetShare ?? 0.35)), color);
  const jpeg = await sharp(data, raw).jpeg({ quality }).toBuffer();
  return { jpeg: new Uint8Array(jpeg), thumbnail: new Uint8Array(thumbnail), width, height };
}

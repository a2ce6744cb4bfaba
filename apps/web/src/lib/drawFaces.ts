/** Draws `results:frame` boxes on a canvas laid over a `<video>` shown with `object-fit: contain`. */
import type { Face, FrameResult, MaskLabel } from '@maskwatch/protocol/faces';

export const LABEL_COLOURS: Record<MaskLabel, string> = { mask: '#22c55e', no_mask: '#ef4444', incorrect: '#f59e0b' };
/** A face whose track has not voted yet (fewer than 3 frames, or no clear majority). */
export const UNDECIDED_COLOUR = '#94a3b8';
const LABEL_TEXT: Record<MaskLabel, string> = { mask: 'mask', no_mask: 'no mask', incorrect: 'mask below nose' };

/**
 * What a face box says: the track's voted label when there is one (a single frame's label flickers), else that the
 * person is still being checked.
 */
export function faceCaption(face: Face): { text: string; colour: string } {
  const label = face.trackLabel ?? (face.trackId === undefined ? face.label : null);
  const score = face.trackLabel ? (face.trackScore ?? face.score) : face.score;
  if (!label) return { text: 'checking…', colour: UNDECIDED_COLOUR };
  return { text: `${LABEL_TEXT[label]} ${Math.round(score * 100)}%`, colour: LABEL_COLOURS[label] };
}

export type Rect = { x: number; y: number; width: number; height: number };

/**
 * Where a `contentWidth x contentHeight` picture lands inside a `boxWidth x boxHeight` box: letterboxed
 * (object-fit: contain), or filling it and cropped (cover).
 */
export function containRect(
  contentWidth: number,
  contentHeight: number,
  boxWidth: number,
  boxHeight: number,
  fit: 'contain' | 'cover' = 'contain',
): Rect {
  if (contentWidth <= 0 || contentHeight <= 0 || boxWidth <= 0 || boxHeight <= 0) return { x: 0, y: 0, width: 0, height: 0 };
  const pick = fit === 'contain' ? Math.min : Math.max;
  const scale = pick(boxWidth / contentWidth, boxHeight / contentHeight);
  const width = contentWidth * scale;
  const height = contentHeight * scale;
  return { x: (boxWidth - width) / 2, y: (boxHeight - height) / 2, width, height };
}

/**
 * Sizes the canvas to its CSS box (device pixels) and draws the result's boxes; clears it when result is null.
 * `fit` is the video's object-fit; `mirror` when the video is shown flipped (a front camera's preview).
 */
export function drawFaces(
  canvas: HTMLCanvasElement,
  video: HTMLVideoElement,
  result: Pick<FrameResult, 'width' | 'height' | 'faces'> | null | undefined,
  options: { fit?: 'contain' | 'cover'; mirror?: boolean } = {},
): void {
  const dpr = window.devicePixelRatio || 1;
  const cssWidth = canvas.clientWidth;
  const cssHeight = canvas.clientHeight;
  const width = Math.round(cssWidth * dpr);
  const height = Math.round(cssHeight * dpr);
  if (canvas.width !== width || canvas.height !== height) {
    canvas.width = width;
    canvas.height = height;
  }
  const ctx = canvas.getContext('2d');
  if (!ctx) return;
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  ctx.clearRect(0, 0, cssWidth, cssHeight);
  if (!result || result.faces.length === 0) return;
  // The result's frame may differ in size from the decoded video (server-side scaling): map through its own size,
  // onto the rectangle the video's picture occupies.
  const aspectWidth = video.videoWidth || result.width;
  const aspectHeight = video.videoHeight || result.height;
  const rect = containRect(aspectWidth, aspectHeight, cssWidth, cssHeight, options.fit);
  const sx = rect.width / result.width;
  const sy = rect.height / result.height;
  ctx.lineWidth = 2;
  ctx.font = '600 12px ui-sans-serif, system-ui, sans-serif';
  ctx.textBaseline = 'bottom';
  for (const face of result.faces) {
    const [bx1, y1, bx2, y2] = face.box;
    const x1 = options.mirror ? result.width - bx2 : bx1;
    const x2 = options.mirror ? result.width - bx1 : bx2;
    const x = rect.x + x1 * sx;
    const y = rect.y + y1 * sy;
    const w = (x2 - x1) * sx;
    const h = (y2 - y1) * sy;
    const { text, colour } = faceCaption(face);
    ctx.strokeStyle = colour;
    ctx.strokeRect(x, y, w, h);
    const textWidth = ctx.measureText(text).width + 8;
    const labelY = y > 18 ? y : y + h + 18;
    ctx.fillStyle = colour;
    ctx.fillRect(x - 1, labelY - 17, textWidth, 17);
    ctx.fillStyle = '#0b0f14';
    ctx.fillText(text, x + 3, labelY - 2);
  }
}

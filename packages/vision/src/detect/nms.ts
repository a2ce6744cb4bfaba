import type { Box } from '@maskwatch/protocol/faces';

/** Intersection over union of two [x1, y1, x2, y2] boxes; 0 when either is empty. */
export function iou(a: Box, b: Box): number {
  const iw = Math.min(a[2], b[2]) - Math.max(a[0], b[0]);
  const ih = Math.min(a[3], b[3]) - Math.max(a[1], b[1]);
  if (iw <= 0 || ih <= 0) return 0;
  const inter = iw * ih;
  const union = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter;
  return union > 0 ? inter / union : 0;
}

/**
 * Greedy non-maximum suppression: best score first, dropping every later box whose IoU with a kept one
 * exceeds `iouThreshold`. Returns the kept items, best first, at most `maxKeep`.
 */
export function nms<T extends { box: Box; score: number }>(
  items: readonly T[],
  iouThreshold: number,
  maxKeep: number = Infinity,
): T[] {
  const sorted = [...items].sort((a, b) => b.score - a.score);
  const kept: T[] = [];
  for (const item of sorted) {
    if (kept.length >= maxKeep) break;
    if (kept.every((k) => iou(k.box, item.box) <= iouThreshold)) kept.push(item);
  }
  return kept;
}

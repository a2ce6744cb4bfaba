import type { Box } from '@maskwatch/protocol/faces';

import { solveAssignment } from './solveAssignment.ts';

/**
 * IoU of `a` and `b` after widening each by `buffer` times its own width and height on every side (the buffered
 * IoU of C-BIoU): 0 gives the plain IoU; a buffer lets a face that moved further than its own size between two
 * analysed frames still meet its track.
 */
export function bufferedIou(a: Box, b: Box, buffer: number = 0): number {
  const aw = a[2] - a[0];
  const ah = a[3] - a[1];
  const bw = b[2] - b[0];
  const bh = b[3] - b[1];
  const ax1 = a[0] - buffer * aw;
  const ay1 = a[1] - buffer * ah;
  const ax2 = a[2] + buffer * aw;
  const ay2 = a[3] + buffer * ah;
  const bx1 = b[0] - buffer * bw;
  const by1 = b[1] - buffer * bh;
  const bx2 = b[2] + buffer * bw;
  const by2 = b[3] + buffer * bh;
  const iw = Math.min(ax2, bx2) - Math.max(ax1, bx1);
  const ih = Math.min(ay2, by2) - Math.max(ay1, by1);
  if (iw <= 0 || ih <= 0) return 0;
  const inter = iw * ih;
  const union = (ax2 - ax1) * (ay2 - ay1) + (bx2 - bx1) * (by2 - by1) - inter;
  return union > 0 ? inter / union : 0;
}

// Scratch buffers reused across calls (this runs for every frame of every camera; it is synchronous, so one set
// per thread is enough). Zeroed over the part used.
let overlapBuffer = new Float64Array(1024);
let countBuffer = new Int32Array(128);
function scratch(size: number): Float64Array {
  if (overlapBuffer.length < size) overlapBuffer = new Float64Array(size * 2);
  const view = overlapBuffer.subarray(0, size);
  view.fill(0);
  return view;
}
function counts(size: number): Int32Array {
  if (countBuffer.length < size) countBuffer = new Int32Array(size * 2);
  const view = countBuffer.subarray(0, size);
  view.fill(0);
  return view;
}

/**
 * Matches track boxes to detection boxes: the assignment with the most pairs of IoU >= `minIou` (buffered by
 * `buffer`, one for all tracks or one per track), then the highest total IoU. A pair that `allow` refuses is never
 * matched. Returns [trackIndex, detectionIndex] pairs.
 *
 * Faces far apart never compete: a track and a detection that are each other's only candidate are matched
 * directly (most faces, most frames), and only the groups that share candidates (crossing paths, crowds) go through
 * the assignment solver.
 */
export function associate(
  tracks: readonly Box[],
  detections: readonly Box[],
  minIou: number,
  buffer: number | readonly number[] = 0,
  allow?: (track: number, detection: number) => boolean,
): Array<[number, number]> {
  const nt = tracks.length;
  const nd = detections.length;
  const pairs: Array<[number, number]> = [];
  if (nt === 0 || nd === 0) return pairs;

  const overlap = scratch(nt * nd);
  const rowCount = counts(nt + nd);
  // Detection d counts at colCount[d]: one buffer for both.
  const colCount = rowCount.subarray(nt);
  let contested = false;
  for (let t = 0; t < nt; t++) {
    const tb = tracks[t]!;
    const tBuffer = typeof buffer === 'number' ? buffer : (buffer[t] ?? 0);
    for (let d = 0; d < nd; d++) {
      const value = bufferedIou(tb, detections[d]!, tBuffer);
      if (value < minIou || value <= 0 || (allow !== undefined && !allow(t, d))) continue;
      overlap[t * nd + d] = value;
      if (++rowCount[t]! > 1) contested = true;
      if (++colCount[d]! > 1) contested = true;
    }
  }
  for (let t = 0; t < nt; t++) {
    if (rowCount[t] !== 1) continue;
    for (let d = 0; d < nd; d++) {
      if (overlap[t * nd + d]! > 0) {
        if (colCount[d] === 1) pairs.push([t, d]);
        break;
      }
    }
  }
  if (!contested) return pairs;

  // The contested pairs, grouped by shared candidates: union-find over tracks (0..nt-1) then detections.
  const parent = new Int32Array(nt + nd);
  const inGroup = new Uint8Array(nt + nd);
  for (let i = 0; i < parent.length; i++) parent[i] = i;
  const find = (x: number): number => {
    while (parent[x] !== x) {
      parent[x] = parent[parent[x]!]!;
      x = parent[x]!;
    }
    return x;
  };
  for (let t = 0; t < nt; t++) {
    for (let d = 0; d < nd; d++) {
      if (overlap[t * nd + d] === 0 || (rowCount[t] === 1 && colCount[d] === 1)) continue;
      inGroup[t] = 1;
      inGroup[nt + d] = 1;
      const a = find(t);
      const b = find(nt + d);
      if (a !== b) parent[a] = b;
    }
  }
  const groups = new Map<number, { tracks: number[]; detections: number[] }>();
  for (let x = 0; x < nt + nd; x++) {
    if (inGroup[x] === 0) continue;
    const root = find(x);
    let group = groups.get(root);
    if (group === undefined) {
      group = { tracks: [], detections: [] };
      groups.set(root, group);
    }
    if (x < nt) group.tracks.push(x);
    else group.detections.push(x - nt);
  }
  for (const group of groups.values()) {
    const gt = group.tracks.length;
    const gd = group.detections.length;
    const cost = new Float64Array(gt * gd);
    for (let i = 0; i < gt; i++) {
      for (let j = 0; j < gd; j++) {
        const value = overlap[group.tracks[i]! * nd + group.detections[j]!]!;
        cost[i * gd + j] = value > 0 ? 1 - value : Infinity;
      }
    }
    const rowToCol = solveAssignment(cost, gt, gd, 1);
    for (let i = 0; i < gt; i++) {
      const j = rowToCol[i]!;
      if (j >= 0) pairs.push([group.tracks[i]!, group.detections[j]!]);
    }
  }
  return pairs;
}

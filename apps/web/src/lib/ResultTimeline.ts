/**
 * One camera's recent results, looked up by the capture time of the video frame on screen, so that boxes are drawn
 * on the frame they were computed from rather than on whatever frame happens to be showing when they arrive.
 * Between two analysed frames (5 a second) a tracked face's box moves linearly from one to the next.
 */
import type { Box, Face, FrameResult } from '@maskwatch/protocol/faces';

/** Results older than this (server clock, behind the newest) are forgotten. */
const KEEP_MS = 4000;
/** A box is held at least this long after its analysed frame (3 analysed frames at 5 fps)... */
const MIN_HOLD_MS = 700;
/** ...and at most this long, however slowly the camera is analysed. */
const MAX_HOLD_MS = 3000;

export type TimelineFrame = Pick<FrameResult, 'cameraId' | 'width' | 'height' | 'ts' | 'faces'>;

function lerpBox(a: Box, b: Box, t: number): Box {
  return [a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t, a[2] + (b[2] - a[2]) * t, a[3] + (b[3] - a[3]) * t];
}

export class ResultTimeline {
  readonly #results: FrameResult[] = [];
  /** How late results arrive (their arrival minus their capture time, server clock), most recent last. */
  readonly #delays: number[] = [];
  /** holdMs(), worked out when a result comes (it is read at every video frame). */
  #holdMs = MIN_HOLD_MS;

  /** Adds a result that arrived at `arrivedAt` (server clock). Out-of-order results are put in place. */
  add(result: FrameResult, arrivedAt: number): void {
    const list = this.#results;
    let i = list.length;
    while (i > 0 && list[i - 1]!.ts > result.ts) i--;
    list.splice(i, 0, result);
    const newest = list.at(-1)!.ts;
    while (list.length > 0 && list[0]!.ts < newest - KEEP_MS) list.shift();
    this.#delays.push(Math.max(0, arrivedAt - result.ts));
    if (this.#delays.length > 50) this.#delays.shift();
    this.#holdMs = MIN_HOLD_MS;
    if (list.length >= 2) {
      const gaps = list.slice(1).map((r, k) => r.ts - list[k]!.ts).sort((a, b) => a - b);
      this.#holdMs = Math.min(MAX_HOLD_MS, Math.max(MIN_HOLD_MS, gaps[Math.floor(gaps.length / 2)]! * 1.5));
    }
  }

  /** The delay (ms) under which most results arrive: how much later than live the video must be for boxes to match. */
  delayPercentile(p = 0.9): number | undefined {
    if (this.#delays.length < 5) return undefined;
    const sorted = [...this.#delays].sort((a, b) => a - b);
    return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
  }

  /**
   * How long a box may stay on screen after its analysed frame: 700 ms, or one and a half of this camera's usual
   * gap between analysed frames where a loaded node analyses it more slowly (up to 3 s), so that a person standing
   * still keeps their box between two results instead of blinking off.
   */
  holdMs(): number {
    return this.#holdMs;
  }

  /** The newest result. */
  latest(): FrameResult | undefined {
    return this.#results.at(-1);
  }

  /**
   * What to draw over a video frame captured at `ts` (server clock): the result of that frame, or between the two
   * analysed frames around it, the earlier one's faces with each tracked box moved towards its next position.
   * Nothing when no result is within `holdMs` before it (analysis stopped, or the frame is not analysed yet).
   */
  at(ts: number, holdMs: number): TimelineFrame | undefined {
    const list = this.#results;
    let after = list.findIndex((result) => result.ts > ts);
    if (after === -1) after = list.length;
    const before = list[after - 1];
    if (!before || ts - before.ts > holdMs) return undefined;
    const next = list[after];
    if (!next || next.width !== before.width || next.height !== before.height || next.ts - before.ts > holdMs) {
      return before;
    }
    const t = (ts - before.ts) / (next.ts - before.ts);
    const nextBoxes = new Map(next.faces.filter((f) => f.trackId !== undefined).map((f) => [f.trackId, f.box]));
    const faces: Face[] = before.faces.map((face) => {
      const to = face.trackId !== undefined ? nextBoxes.get(face.trackId) : undefined;
      return to ? { ...face, box: lerpBox(face.box, to, t) } : face;
    });
    return { ...before, ts, faces };
  }

  clear(): void {
    this.#results.length = 0;
    this.#delays.length = 0;
    this.#holdMs = MIN_HOLD_MS;
  }
}

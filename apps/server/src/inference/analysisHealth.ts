/** How long the server lets a camera's analysis go without results before it acts (InferenceManager's timings). */
export type AnalysisTiming = {
  /**
   * A running analysis without results for this long is `stalled` (and a key frame is asked for); for a camera whose
   * results usually come further apart (a busy node), three of its usual gaps (at most `restartAfterMs`).
   */
  stallMs: number;
  /** A starting analysis without a first result for this long is `stalled` (it keeps waiting). */
  startTimeoutMs: number;
  /** An analysis without any result for this long is started again from scratch. */
  restartAfterMs: number;
};

export type AnalysisHealth =
  | { verdict: 'ok' }
  /** Mark it stalled with `detail` and ask the camera for a key frame (a decoder may lack one). */
  | { verdict: 'stalled'; detail: string }
  /** Close it and start it again: a new transport, and on the node a new decoder on a new port. */
  | { verdict: 'restart'; detail: string };

const seconds = (ms: number): number => Math.round(ms / 1000);

/** How many of a camera's usual gaps between results without one make it stalled. */
const STALL_GAPS = 3;

/**
 * What to do about an analysis started at `startedAt` whose last result came at `lastResultAt` (undefined before
 * the first), at `now`, its results usually `resultGapMs` apart (undefined before the second). No clock of its own:
 * the InferenceManager's tick passes the time.
 */
export function analysisHealth(
  startedAt: number,
  lastResultAt: number | undefined,
  now: number,
  timing: AnalysisTiming,
  resultGapMs?: number,
): AnalysisHealth {
  const silentMs = now - (lastResultAt ?? startedAt);
  if (silentMs > timing.restartAfterMs) {
    return { verdict: 'restart', detail: `no results for ${seconds(silentMs)} s: starting the analysis again` };
  }
  const stallMs = Math.min(timing.restartAfterMs, Math.max(timing.stallMs, STALL_GAPS * (resultGapMs ?? 0)));
  if (lastResultAt !== undefined && silentMs > stallMs) {
    return { verdict: 'stalled', detail: `no results for ${seconds(silentMs)} s` };
  }
  if (lastResultAt === undefined && silentMs > timing.startTimeoutMs) {
    return { verdict: 'stalled', detail: `no results within ${seconds(timing.startTimeoutMs)} s` };
  }
  return { verdict: 'ok' };
}

/**
 * The usual gap between a camera's results after one more `gapMs`: smoothed over about the last five, so that one
 * late result does not make a steady camera look slow, nor one quick one a slow camera look steady.
 */
export function smoothGap(previousMs: number | undefined, gapMs: number): number {
  const gap = Math.max(0, gapMs);
  return previousMs === undefined ? gap : 0.8 * previousMs + 0.2 * gap;
}

/** A node is dropped (its cameras move) when it has sent nothing for longer than `timeoutMs`; the reason, or null. */
export function nodeSilence(lastSeen: number, now: number, timeoutMs: number): string | null {
  const silentMs = now - lastSeen;
  return silentMs > timeoutMs ? `silent for ${seconds(silentMs)} s` : null;
}

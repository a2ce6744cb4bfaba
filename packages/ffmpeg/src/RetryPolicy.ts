/** The timings of a supervised process's retries. */
export type RetryTimings = {
  /** Capped exponential backoff between failed attempts: min, 2 min, 4 min ... max. */
  retryMinMs: number;
  retryMaxMs: number;
  /** An attempt alive this long counts as a success: its failure starts a new series (min again). */
  stableMs: number;
  /** While waiting, how often the source is probed (when there is a probe). */
  probeIntervalMs: number;
};

export const DEFAULT_RETRY_TIMINGS: RetryTimings = {
  retryMinMs: 1_000,
  retryMaxMs: 30_000,
  stableMs: 10_000,
  probeIntervalMs: 1_000,
};

/**
 * What a cheap probe of the source says. `down`: nothing answers; `answers`: something answers, but not with the
 * stream (a camera booting, a relay whose upstream is gone); `ready`: it serves the stream.
 */
export type SourceState = 'down' | 'answers' | 'ready';

export type RetryState = {
  /** Failed attempts in the current series. */
  failures: number;
  /** What is known of the source since the last attempt ended (unknown until a probe or the failure says). */
  seen: SourceState | 'unknown';
};

export const INITIAL_RETRY_STATE: RetryState = { failures: 0, seen: 'unknown' };

export type AttemptEnd = {
  /** Asked for by the owner and not a failure (a planned switch): the next attempt starts at once. */
  immediate: boolean;
  /** The attempt was alive for stableMs or more before it ended. */
  ranStably: boolean;
  /** Its failure says the source was not there (refused, unreachable, not found...). */
  sourceDown: boolean;
};

/** An attempt ended: the state after it and the wait before the next one. No clock, no I/O. */
export function afterAttempt(
  state: RetryState,
  end: AttemptEnd,
  timings: RetryTimings,
): { state: RetryState; delayMs: number } {
  if (end.immediate) return { state: { ...state, seen: 'unknown' }, delayMs: 0 };
  const failures = (end.ranStably ? 0 : state.failures) + 1;
  const delayMs = Math.min(timings.retryMaxMs, timings.retryMinMs * 2 ** Math.min(failures - 1, 30));
  return { state: { failures, seen: end.sourceDown ? 'down' : 'unknown' }, delayMs };
}

/**
 * A probe answered while waiting for the next attempt. The source coming back (ready after it was seen down or
 * answering without the stream) means: retry now, in a new series (so an attempt that fails while the source
 * settles waits little). A source that is ready but failed anyway keeps its backoff: probing it again and again
 * would retry it at every poll.
 */
export function afterProbe(state: RetryState, probed: SourceState): { state: RetryState; retryNow: boolean } {
  if (probed === 'ready' && (state.seen === 'down' || state.seen === 'answers'))
    return { state: { failures: 0, seen: 'ready' }, retryNow: true };
  return { state: { ...state, seen: probed }, retryNow: false };
}

/** Whether probing is worth it during a wait of `delayMs` (a shorter wait ends before the first probe). */
export function probesDuring(delayMs: number, timings: RetryTimings): boolean {
  return delayMs > timings.probeIntervalMs;
}

import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  afterAttempt,
  afterProbe,
  DEFAULT_RETRY_TIMINGS,
  INITIAL_RETRY_STATE,
  probesDuring,
  type RetryTimings,
  type SourceState,
} from './RetryPolicy.ts';

const TIMINGS: RetryTimings = { ...DEFAULT_RETRY_TIMINGS, probeIntervalMs: 250 };
/** How long a failing attempt takes (ffmpeg starting, then refused). */
const ATTEMPT_MS = 150;

/**
 * Runs the policy on simulated time: a live source goes away at 0 for `outageMs`; while away a probe sees it as
 * `away` and every attempt fails after ATTEMPT_MS. Returns how long after its return the next attempt started, and
 * how many attempts were made meanwhile.
 */
function outage(
  outageMs: number,
  away: Exclude<SourceState, 'ready'>,
  timings: RetryTimings,
): { lateMs: number; attempts: number } {
  // The live attempt stalls when the source goes (it ran for a long time: a new series).
  let { state, delayMs } = afterAttempt(
    INITIAL_RETRY_STATE,
    { immediate: false, ranStably: true, sourceDown: false },
    timings,
  );
  let now = 0;
  let attempts = 0;
  for (;;) {
    let startAt = now + delayMs;
    if (probesDuring(delayMs, timings)) {
      for (let probeAt = now + timings.probeIntervalMs; probeAt < startAt; probeAt += timings.probeIntervalMs) {
        const probed = afterProbe(state, probeAt < outageMs ? away : 'ready');
        state = probed.state;
        if (probed.retryNow) {
          startAt = probeAt;
          break;
        }
      }
    }
    if (startAt >= outageMs) return { lateMs: startAt - outageMs, attempts };
    attempts++;
    now = startAt + ATTEMPT_MS;
    ({ state, delayMs } = afterAttempt(
      state,
      { immediate: false, ranStably: false, sourceDown: away === 'down' },
      timings,
    ));
  }
}

test('backoff: doubling from min to max; a stable run starts a new series; a planned restart waits nothing', () => {
  let state = INITIAL_RETRY_STATE;
  const delays: number[] = [];
  for (let i = 0; i < 7; i++) {
    const next = afterAttempt(state, { immediate: false, ranStably: false, sourceDown: false }, DEFAULT_RETRY_TIMINGS);
    state = next.state;
    delays.push(next.delayMs);
  }
  assert.deepEqual(delays, [1000, 2000, 4000, 8000, 16000, 30000, 30000]);
  assert.equal(
    afterAttempt(state, { immediate: false, ranStably: true, sourceDown: false }, DEFAULT_RETRY_TIMINGS).delayMs,
    1000,
  );
  const planned = afterAttempt(state, { immediate: true, ranStably: false, sourceDown: false }, DEFAULT_RETRY_TIMINGS);
  assert.equal(planned.delayMs, 0);
  assert.equal(planned.state.failures, state.failures, 'a planned restart is not a failure');
});

test('back at the first probe after the source returns, whatever the outage: 10 s, 60 s, 5 min', () => {
  for (const outageMs of [10_000, 60_000, 300_000]) {
    for (const away of ['down', 'answers'] as const) {
      const { lateMs, attempts } = outage(outageMs, away, TIMINGS);
      assert.ok(
        lateMs <= TIMINGS.probeIntervalMs,
        `${outageMs / 1000} s outage (${away}): next attempt ${lateMs} ms after the return`,
      );
      // The backoff still spaces the attempts while the source is away (no retry at every probe).
      assert.ok(
        attempts <= 4 + outageMs / TIMINGS.retryMaxMs,
        `${attempts} attempts during a ${outageMs / 1000} s outage`,
      );
    }
  }
});

test('without probes the backoff alone leaves a returned source waiting for many seconds (what the probe is for)', () => {
  const blind = { ...TIMINGS, probeIntervalMs: Number.MAX_SAFE_INTEGER };
  const late = [10_000, 60_000, 300_000].map((outageMs) => outage(outageMs, 'down', blind).lateMs);
  assert.ok(Math.max(...late) > 5_000, `waits ${late.join(', ')} ms`);
});

test('a source that answers but keeps failing is not retried at every probe: only a comeback cuts the wait', () => {
  let { state } = afterAttempt(INITIAL_RETRY_STATE, { immediate: false, ranStably: false, sourceDown: false }, TIMINGS);
  for (let i = 0; i < 10; i++) {
    const probed = afterProbe(state, 'ready');
    assert.equal(probed.retryNow, false);
    state = probed.state;
  }
  // It goes away, then comes back: that is a comeback, and a new series.
  state = afterProbe(state, 'answers').state;
  const back = afterProbe(state, 'ready');
  assert.equal(back.retryNow, true);
  assert.equal(back.state.failures, 0);
  // An attempt that says the source was not there counts as seen down: its next 'ready' is a comeback too.
  const refused = afterAttempt(back.state, { immediate: false, ranStably: false, sourceDown: true }, TIMINGS);
  assert.equal(afterProbe(refused.state, 'ready').retryNow, true);
});

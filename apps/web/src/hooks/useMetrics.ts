'use client';
import { useEffect, useState } from 'react';
import { METRICS_HISTORY_CAPACITY, METRICS_INTERVAL_MS, type MetricsSample } from '@maskwatch/protocol/metrics';
import { getMetricsHistory } from '../lib/metricsApi';
import { describeError, request } from '../lib/signalling';
import { usePush } from './usePush';
import { useSignalling } from './useSignalling';

export type Metrics = {
  /** Oldest first, at most one hour. */
  samples: readonly MetricsSample[];
  intervalMs: number;
  error: string | null;
};

/** Samples by time, without duplicates, newest `capacity` kept. */
function merge(current: readonly MetricsSample[], incoming: readonly MetricsSample[], capacity: number): MetricsSample[] {
  const byTime = new Map<number, MetricsSample>();
  for (const sample of current) byTime.set(sample.at, sample);
  for (const sample of incoming) byTime.set(sample.at, sample);
  return [...byTime.values()].sort((a, b) => a.at - b.at).slice(-capacity);
}

/**
 * The server's metrics: the kept hour over REST, then every new sample as it is pushed (`metrics:subscribe` on each
 * connection; after a reconnect the samples missed meanwhile are fetched again). Needs a `SignallingProvider`.
 */
export function useMetrics(): Metrics {
  const { socket } = useSignalling();
  const [samples, setSamples] = useState<readonly MetricsSample[]>([]);
  const [capacity, setCapacity] = useState(METRICS_HISTORY_CAPACITY);
  const [intervalMs, setIntervalMs] = useState(METRICS_INTERVAL_MS);
  const [error, setError] = useState<string | null>(null);

  usePush('metrics:update', (sample) => setSamples((current) => merge(current, [sample], capacity)));

  useEffect(() => {
    if (!socket) return;
    let cancelled = false;
    let newest: number | undefined;
    const load = (): void => {
      getMetricsHistory(newest)
        .then((history) => {
          if (cancelled) return;
          setCapacity(history.capacity);
          setIntervalMs(history.intervalMs);
          setError(null);
          setSamples((current) => {
            const merged = merge(current, history.samples, history.capacity);
            newest = merged.at(-1)?.at;
            return merged;
          });
        })
        .catch((failure: unknown) => {
          if (!cancelled) setError(`cannot load the metrics history: ${describeError(failure)}`);
        });
    };
    const subscribe = (): void => {
      request(socket, 'metrics:subscribe', {})
        .then(() => load())
        .catch((failure: unknown) => {
          if (!cancelled) setError(`cannot subscribe to metrics: ${describeError(failure)}`);
        });
    };
    if (socket.connected) subscribe();
    socket.on('connect', subscribe);
    return () => {
      cancelled = true;
      socket.off('connect', subscribe);
    };
  }, [socket]);

  return { samples, intervalMs, error };
}

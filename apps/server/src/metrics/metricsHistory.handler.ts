import { parseOrThrow } from '@maskwatch/protocol/errors';
import { MetricsHistoryQuerySchema, type MetricsHistoryResponse } from '@maskwatch/protocol/metrics';
import type { JsonRoute } from '../api/JsonRoute.ts';
import type { ServerMetrics } from './ServerMetrics.ts';

/** `GET /api/metrics/history[?since=<ms>]`: the kept samples (one hour), oldest first; newer than `since` if given. */
export function metricsHistoryRoute(metrics: ServerMetrics): JsonRoute {
  return {
    method: 'GET',
    path: '/api/metrics/history',
    handle({ query }): MetricsHistoryResponse {
      const { since } = parseOrThrow(MetricsHistoryQuerySchema, Object.fromEntries(query), 'metrics history query');
      const samples =
        since === undefined ? metrics.history.toArray() : metrics.history.takeLastWhile((sample) => sample.at > since);
      return { intervalMs: metrics.intervalMs, capacity: metrics.history.capacity, samples };
    },
  };
}

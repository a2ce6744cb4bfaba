import { MetricsHistoryQuerySchema, type MetricsHistoryResponse } from '@maskwatch/protocol/metrics';
import { defineRoute, type Route } from '../api/Route.ts';
import type { ServerMetrics } from './ServerMetrics.ts';

/** The console's metrics page: the kept hour of samples (the live ones come over socket.io, `metrics:update`). */
export function metricsRoutes(metrics: ServerMetrics): Route[] {
  return [
    defineRoute({
      method: 'GET',
      path: '/api/metrics/history',
      access: 'operator',
      summary: 'metrics samples of the last hour (newer than ?since=<ms> when given), oldest first',
      query: MetricsHistoryQuerySchema,
      handler: ({ query: { since } }) => {
        const samples =
          since === undefined ? metrics.history.toArray() : metrics.history.takeLastWhile((sample) => sample.at > since);
        const body: MetricsHistoryResponse = { intervalMs: metrics.intervalMs, capacity: metrics.history.capacity, samples };
        return { body };
      },
    }),
  ];
}

import type { IncomingMessage, ServerResponse } from 'node:http';
import { metricsAccess } from '@maskwatch/common/http/metricsAccess';
import type { ServerMetrics } from './ServerMetrics.ts';

/** The Prometheus endpoint; the console's metrics page lives at the same path (see `isMetricsPageRequest`). */
export const METRICS_PATH = '/metrics';

/**
 * Whether a request for `/metrics` wants the console's page rather than the Prometheus text: a browser asks for
 * HTML, and Next.js's client router fetches the page's payload with an `RSC` header or `_rsc` parameter.
 * Prometheus, curl and other scrapers ask for text or anything (`*` / `*`) and get the metrics.
 */
export function isMetricsPageRequest(req: IncomingMessage): boolean {
  const accept = String(req.headers.accept ?? '');
  if (accept.includes('text/html')) return true;
  if (req.headers.rsc !== undefined || req.headers['next-router-prefetch'] !== undefined) return true;
  return new URL(req.url ?? '/', 'http://localhost').searchParams.has('_rsc');
}

function sendText(res: ServerResponse, status: number, text: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store', ...headers });
  res.end(text);
}

/**
 * `GET /metrics` in Prometheus text format. Who may read it: clients on this machine (loopback) always; others
 * only with `Authorization: Bearer <MASKWATCH_METRICS_TOKEN>`, so a LAN install does not expose camera names and
 * load figures to anyone who can reach the port.
 */
export async function servePrometheus(
  req: IncomingMessage,
  res: ServerResponse,
  metrics: ServerMetrics,
  token: string | undefined,
): Promise<void> {
  if (req.method !== 'GET' && req.method !== 'HEAD') return sendText(res, 405, 'GET only\n', { allow: 'GET' });
  const access = metricsAccess(req, token);
  if (access === 'loopback_only')
    return sendText(res, 403, 'metrics are served to this machine only; set MASKWATCH_METRICS_TOKEN to allow others\n');
  if (access === 'token_required')
    return sendText(res, 401, 'bearer token required\n', { 'www-authenticate': 'Bearer realm="maskwatch-metrics"' });
  const body = await metrics.prometheus();
  res.writeHead(200, {
    'content-type': metrics.contentType,
    'content-length': Buffer.byteLength(body),
    'cache-control': 'no-store',
  });
  res.end(req.method === 'HEAD' ? undefined : body);
}

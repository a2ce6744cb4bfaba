import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

export type MetricsAccess = 'allowed' | 'token_required' | 'loopback_only';

function isLoopback(address: string | undefined): boolean {
  if (!address) return false;
  return address === '::1' || address.startsWith('127.') || address.startsWith('::ffff:127.');
}

function tokenMatches(header: string | undefined, token: string): boolean {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  if (!match?.[1]) return false;
  const given = Buffer.from(match[1]);
  const wanted = Buffer.from(token);
  return given.length === wanted.length && timingSafeEqual(given, wanted);
}

/**
 * Who may read a Prometheus endpoint (the server's and every inference node's `/metrics`): clients on the same
 * machine always; others only with `Authorization: Bearer <token>` when a token is configured
 * (MASKWATCH_METRICS_TOKEN), and nobody else, so camera names and load figures are not open to the LAN.
 */
export function metricsAccess(req: IncomingMessage, token: string | undefined): MetricsAccess {
  if (isLoopback(req.socket.remoteAddress)) return 'allowed';
  if (token === undefined) return 'loopback_only';
  return tokenMatches(req.headers.authorization, token) ? 'allowed' : 'token_required';
}

import type { HealthResponse } from '@maskwatch/protocol/http';
import { PROTOCOL_VERSION } from '@maskwatch/protocol/version';
import type { WorkerPool } from '../../media/WorkerPool.ts';
import { defineRoute, type Route } from '../Route.ts';

/**
 * GET /api/health: open to all (load balancers, `npm start`'s check), says nothing private, and is answered before
 * any other work of the request (immediate): a flood of API calls does not queue it behind session lookups.
 */
export function healthRoutes(pool: WorkerPool): Route[] {
  const startedAt = Date.now();
  return [
    defineRoute({
      method: 'GET',
      path: '/api/health',
      access: 'public',
      immediate: true,
      summary: 'whether the server can carry media (workers alive), protocol version, uptime',
      handler: () => {
        const body: HealthResponse = {
          ok: pool.alive > 0,
          protocolVersion: PROTOCOL_VERSION,
          workers: { alive: pool.alive, total: pool.size },
          uptimeSeconds: Math.round((Date.now() - startedAt) / 1000),
        };
        return { status: body.ok ? 200 : 503, body };
      },
    }),
  ];
}

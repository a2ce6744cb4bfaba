import { MaskwatchError } from '@maskwatch/protocol/errors';
import { METRICS_ROOM, type HandlerContext } from './context.ts';
import { onRequest } from './onRequest.ts';

/**
 * metrics:subscribe: the console's metrics page gets `metrics:update` pushes, one sample every `intervalMs` (the
 * server's metrics interval); the history is on REST.
 */
export function registerMetricsHandlers(ctx: HandlerContext, intervalMs: number): void {
  onRequest(ctx, 'metrics:subscribe', async ({ peer, socket }) => {
    if (peer.role !== 'viewer') throw new MaskwatchError('bad_request', 'only a viewer connection may subscribe to metrics');
    await socket.join(METRICS_ROOM);
    return { intervalMs };
  });
}

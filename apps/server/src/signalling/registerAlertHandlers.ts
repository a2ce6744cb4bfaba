import { MaskwatchError } from '@maskwatch/protocol/errors';
import type { AlertService } from '../alerts/AlertService.ts';
import type { HandlerContext } from './context.ts';
import { onRequest } from './onRequest.ts';

/** socket.io room of the connections that follow the alert feed. */
export const ALERTS_ROOM = 'alerts';

/** alerts:subscribe: a console (or the history page) joins the live alert feed and gets the latest alerts. */
export function registerAlertHandlers(ctx: HandlerContext, alerts: AlertService): void {
  onRequest(ctx, 'alerts:subscribe', async ({ peer, socket }, { recent }) => {
    if (peer.role !== 'viewer') throw new MaskwatchError('bad_request', 'only a viewer connection may follow alerts');
    await socket.join(ALERTS_ROOM);
    return { recent: alerts.recent(recent) };
  });
}

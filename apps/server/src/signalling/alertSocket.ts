import type { Alert, AlertEvent, AlertSay } from '@maskwatch/protocol/alerts';
import { MaskwatchError } from '@maskwatch/protocol/errors';
import type { HandlerContext, IoServer } from './context.ts';
import { onRequest } from './onRequest.ts';

/**
 * The alert feed over socket.io, in one place: `alerts:subscribe` (a console or the history page joins the live
 * feed and gets the latest alerts) and the pushes of every stored alert change. The alerts themselves are the
 * AlertService's; this side only reads and pushes them.
 */

/** socket.io room of the connections that follow the alert feed. */
export const ALERTS_ROOM = 'alerts';

/** What the feed reads from the alerts (AlertService). */
export type RecentAlerts = { recent(count: number): Alert[] };

export function registerAlertHandlers(ctx: HandlerContext, alerts: RecentAlerts): void {
  onRequest(ctx, 'alerts:subscribe', async ({ peer, socket }, { recent }) => {
    if (peer.role !== 'viewer') throw new MaskwatchError('bad_request', 'only a viewer connection may follow alerts');
    await socket.join(ALERTS_ROOM);
    return { recent: alerts.recent(recent) };
  });
}

/**
 * Pushes a stored alert change: `alert:raised` / `alert:updated` to the connections that follow alerts, and to the
 * page publishing the alert's camera (it speaks the sentence and shows the banner): `publisher`, its socket id.
 */
export function pushAlert(io: IoServer, event: AlertEvent, publisher: string | undefined): void {
  const name = event.change === 'raised' ? 'alert:raised' : 'alert:updated';
  // An RTSP camera's publisher is the ingest, not a socket; socket.io sends once to a socket in both targets.
  const target = publisher !== undefined && io.sockets.sockets.has(publisher) ? io.to(ALERTS_ROOM).to(publisher) : io.to(ALERTS_ROOM);
  target.emit(name, event);
}

/** Tells the page publishing the camera to say the sentence of a new alert now, before it is stored (`alert:say`). */
export function pushSay(io: IoServer, say: AlertSay, publisher: string | undefined): void {
  if (publisher !== undefined && io.sockets.sockets.has(publisher)) io.to(publisher).emit('alert:say', say);
}

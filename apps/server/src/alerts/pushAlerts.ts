import type { AlertEvent } from '@maskwatch/protocol/alerts';
import type { CameraService } from '../cameras/CameraService.ts';
import type { IoServer } from '../signalling/context.ts';
import { ALERTS_ROOM } from '../signalling/registerAlertHandlers.ts';
import type { AlertService } from './AlertService.ts';

/**
 * Pushes every stored alert change: `alert:raised` / `alert:updated` to the connections that follow alerts, and
 * to the page publishing the alert's camera (it speaks the sentence and shows the banner). Returns the unsubscribe.
 */
export function pushAlerts(io: IoServer, alerts: AlertService, cameras: CameraService): () => void {
  const onAlert = (event: AlertEvent): void => {
    const name = event.change === 'raised' ? 'alert:raised' : 'alert:updated';
    const publisher = cameras.publisherOf(event.alert.cameraId);
    // An RTSP camera's publisher is the ingest, not a socket; socket.io sends once to a socket in both targets.
    const target = publisher !== undefined && io.sockets.sockets.has(publisher) ? io.to(ALERTS_ROOM).to(publisher) : io.to(ALERTS_ROOM);
    target.emit(name, event);
  };
  alerts.on('alert', onAlert);
  return () => alerts.off('alert', onAlert);
}

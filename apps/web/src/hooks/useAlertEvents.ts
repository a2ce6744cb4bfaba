'use client';
import { useEffect, useEffectEvent } from 'react';
import type { Alert, AlertEvent } from '@maskwatch/protocol/alerts';
import { request } from '../lib/signalling';
import { usePush } from './usePush';
import { useSignalling } from './useSignalling';

/**
 * Alert pushes on the page's connection: subscribes (again after every reconnect) and calls `onEvent` for each
 * `alert:raised` / `alert:updated`; `onRecent` gets the newest `recent` alerts at each subscription.
 */
export function useAlertEvents(options: {
  onEvent: (event: AlertEvent) => void;
  onRecent?: (recent: Alert[]) => void;
  recent?: number;
}): void {
  const { socket } = useSignalling();
  const recent = options.recent ?? 0;
  const onRecent = useEffectEvent((alerts: Alert[]) => options.onRecent?.(alerts));
  usePush('alert:raised', options.onEvent);
  usePush('alert:updated', options.onEvent);
  useEffect(() => {
    if (!socket) return;
    const subscribe = (): void => {
      request(socket, 'alerts:subscribe', { recent })
        .then((answer) => onRecent(answer.recent))
        .catch(() => undefined);
    };
    if (socket.connected) subscribe();
    socket.on('connect', subscribe);
    return () => {
      socket.off('connect', subscribe);
    };
  }, [socket, recent]);
}

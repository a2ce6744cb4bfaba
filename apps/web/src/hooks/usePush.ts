'use client';
import { useEffect, useEffectEvent } from 'react';
import type { ServerEventName, ServerEventPayload } from '@maskwatch/protocol/signalling';
import { onPush } from '../lib/signalling';
import { useSignalling } from './useSignalling';

/**
 * Calls `listener` with every parsed `name` push on the page's connection (malformed ones are dropped). The latest
 * `listener` is called, so it may read current state without resubscribing.
 */
export function usePush<N extends ServerEventName>(name: N, listener: (payload: ServerEventPayload<N>) => void): void {
  const { socket } = useSignalling();
  const onEvent = useEffectEvent(listener);
  useEffect(() => {
    if (!socket) return;
    return onPush(socket, name, (payload) => onEvent(payload));
  }, [socket, name]);
}

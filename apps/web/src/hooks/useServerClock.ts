'use client';
import { useEffect, useState } from 'react';
import { ServerClock } from '../lib/ServerClock';
import { useSignalling } from './useSignalling';

const RESYNC_MS = 30_000;

/** The page's estimate of the server's clock, synced on every connection and every 30 s. A stable object. */
export function useServerClock(): ServerClock {
  const { socket, link } = useSignalling();
  const [clock] = useState(() => new ServerClock());
  const online = link.status === 'online';
  useEffect(() => {
    if (!socket || !online) return;
    const sync = (): void => void clock.sync(socket).catch(() => undefined);
    sync();
    const timer = setInterval(sync, RESYNC_MS);
    return () => clearInterval(timer);
  }, [socket, online, clock]);
  return clock;
}

'use client';
/** "retrying in N s", counting down to the server's next attempt (`retryAt`, ms since the epoch); nothing without one. */
import { useEffect, useRef, useState } from 'react';

type Props = {
  at: number | null | undefined;
  /** The server's clock (e.g. a synced ServerClock's now()); this page's clock by default. */
  now?: () => number;
  className?: string;
};

export function RetryCountdown({ at, now = Date.now, className }: Props) {
  const [current, setCurrent] = useState(() => now());
  // The latest clock, without restarting the ticker when a caller passes a new function each render.
  const clock = useRef(now);
  clock.current = now;
  useEffect(() => {
    if (at === null || at === undefined) return;
    setCurrent(clock.current());
    const timer = setInterval(() => {
      const time = clock.current();
      setCurrent(time);
      if (time >= at) clearInterval(timer);
    }, 250);
    return () => clearInterval(timer);
  }, [at]);
  if (at === null || at === undefined) return null;
  // Unsynced clocks are a few ms apart on a LAN with NTP; a wrong client clock shows "now", never a negative count.
  const seconds = Math.max(0, Math.ceil((at - current) / 1000));
  return (
    <span className={className} data-retry-in={seconds}>
      {seconds > 0 ? `retrying in ${seconds} s` : 'retrying now'}
    </span>
  );
}

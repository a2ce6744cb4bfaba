'use client';
/** "retrying in N s", counting down to the server's next attempt (`retryAt`, ms since the epoch); nothing without one. */
import { useEffect, useState } from 'react';

export function RetryCountdown({ at, className }: { at: number | null | undefined; className?: string }) {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (at === null || at === undefined) return;
    setNow(Date.now());
    const timer = setInterval(() => {
      const current = Date.now();
      setNow(current);
      if (current >= at) clearInterval(timer);
    }, 250);
    return () => clearInterval(timer);
  }, [at]);
  if (at === null || at === undefined) return null;
  // The server's clock against ours: a few ms apart on a LAN with NTP; a wrong client clock shows "now", never < 0.
  const seconds = Math.max(0, Math.ceil((at - now) / 1000));
  return (
    <span className={className} data-retry-in={seconds}>
      {seconds > 0 ? `retrying in ${seconds} s` : 'retrying now'}
    </span>
  );
}

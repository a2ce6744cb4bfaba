import { connect } from 'node:net';

/** The host and TCP port an RTSP URL connects to (554 for rtsp:, 322 for rtsps: unless given). */
export function rtspEndpoint(url: string): { host: string; port: number } | undefined {
  try {
    const parsed = new URL(url);
    const host = parsed.hostname.replace(/^\[(.*)\]$/, '$1');
    if (!host) return undefined;
    const port = parsed.port ? Number(parsed.port) : parsed.protocol === 'rtsps:' ? 322 : 554;
    return { host, port };
  } catch {
    return undefined;
  }
}

/** Whether a TCP connection to host:port opens within timeoutMs (closed at once: a cheap "is it there?"). */
export function tcpReachable(host: string, port: number, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    const done = (reachable: boolean): void => {
      clearTimeout(timer);
      socket.destroy();
      resolve(reachable);
    };
    const timer = setTimeout(() => done(false), timeoutMs);
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

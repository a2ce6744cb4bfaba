import { lookup } from 'node:dns/promises';
import { connect, isIP } from 'node:net';
import type { SourceState } from '@maskwatch/ffmpeg/RetryPolicy';

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

const sleep = (ms: number): Promise<undefined> => new Promise((resolve) => setTimeout(() => resolve(undefined), ms));

/** The URL without its credentials (the probe never sends them; ffmpeg authenticates). */
function withoutCredentials(url: string): string {
  const parsed = new URL(url);
  parsed.username = '';
  parsed.password = '';
  return parsed.href;
}

/**
 * Name lookups under way, one per host: a lookup that hangs (an unreachable DNS server) holds one of libuv's four
 * threads, which files, DNS and password checks share, until the resolver gives up; a probe every few hundred
 * milliseconds must not start a new one each time.
 */
const lookups = new Map<string, Promise<string | undefined>>();

function addressOf(host: string): Promise<string | undefined> {
  if (isIP(host)) return Promise.resolve(host);
  let pending = lookups.get(host);
  if (!pending) {
    pending = lookup(host).then(
      (found) => found.address,
      () => undefined,
    );
    lookups.set(host, pending);
    void pending.finally(() => lookups.delete(host));
  }
  return pending;
}

/**
 * A cheap look at an RTSP source, for the ingest's retries: `down` when its host:port does not take a TCP connection
 * within `timeoutMs`; else one DESCRIBE of the stream (no credentials, no session): `ready` when it is described
 * (200), or when the server wants credentials (401: the probe cannot look further, ffmpeg will); `answers` for
 * anything else (404 or 454 while a relay's camera is away, 503 while a camera boots, no answer in time). rtsps:
 * sources are only checked for the TCP connection. A host name is looked up at most once at a time.
 */
export async function probeRtsp(url: string, timeoutMs: number): Promise<SourceState> {
  const endpoint = rtspEndpoint(url);
  if (!endpoint) return 'down';
  const started = Date.now();
  const address = await Promise.race([addressOf(endpoint.host), sleep(timeoutMs)]);
  if (!address) return 'down';
  const plain = url.startsWith('rtsp:');
  return new Promise((resolve) => {
    const socket = connect({ host: address, port: endpoint.port });
    let connected = false;
    let answer = '';
    const done = (state: SourceState): void => {
      clearTimeout(timer);
      socket.destroy();
      resolve(state);
    };
    const timer = setTimeout(
      () => done(connected ? 'answers' : 'down'),
      Math.max(0, timeoutMs - (Date.now() - started)),
    );
    socket.once('error', () => done(connected ? 'answers' : 'down'));
    socket.once('close', () => done(connected ? 'answers' : 'down'));
    socket.once('connect', () => {
      connected = true;
      if (!plain) return done('ready');
      socket.write(
        `DESCRIBE ${withoutCredentials(url)} RTSP/1.0\r\nCSeq: 1\r\nAccept: application/sdp\r\nUser-Agent: maskwatch-probe\r\n\r\n`,
      );
    });
    socket.setEncoding('latin1');
    socket.on('data', (chunk: string) => {
      answer += chunk;
      const end = answer.indexOf('\r\n');
      if (end < 0) {
        if (answer.length > 1024) done('answers');
        return;
      }
      const status = /^RTSP\/1\.\d (\d{3})/.exec(answer.slice(0, end))?.[1];
      done(status === '200' || status === '401' ? 'ready' : 'answers');
    });
  });
}

import { readFile } from 'node:fs/promises';

/** The socket tables Linux keeps of bound UDP sockets (IPv4, IPv6). */
const TABLES = ['/proc/net/udp', '/proc/net/udp6'];

/** Whether a `/proc/net/udp{,6}` table lists a socket bound to local `port`. */
export function tableHasPort(table: string, port: number): boolean {
  const hex = port.toString(16).toUpperCase().padStart(4, '0');
  // Each row: "  sl  local_address rem_address st ...", local_address as ADDRESS:PORT in hex.
  for (const line of table.split('\n')) {
    const local = line.trim().split(/\s+/)[1];
    if (local?.endsWith(`:${hex}`)) return true;
  }
  return false;
}

/** Whether some socket on this machine is bound to UDP `port`; undefined where the tables cannot be read. */
export async function udpPortBound(port: number, tables: readonly string[] = TABLES): Promise<boolean | undefined> {
  let readable = false;
  for (const path of tables) {
    try {
      if (tableHasPort(await readFile(path, 'utf8'), port)) return true;
      readable = true;
    } catch {
      // No IPv6 table, or not Linux.
    }
  }
  return readable ? false : undefined;
}

type Waiter = { port: number; deadline: number; resolve: (listening: boolean | undefined) => void };

/** Ports waited for, read together: one pass over the tables per tick however many decoders start at once. */
const waiters = new Set<Waiter>();
let poller: NodeJS.Timeout | undefined;
let polling = false;

async function poll(tables: readonly string[]): Promise<void> {
  if (polling) return;
  polling = true;
  try {
    const texts: string[] = [];
    let readable = false;
    for (const path of tables) {
      try {
        texts.push(await readFile(path, 'utf8'));
        readable = true;
      } catch {
        // No IPv6 table, or not Linux.
      }
    }
    const now = Date.now();
    for (const waiter of [...waiters]) {
      const bound = readable ? texts.some((text) => tableHasPort(text, waiter.port)) : undefined;
      if (bound === true || bound === undefined || now >= waiter.deadline) {
        waiters.delete(waiter);
        waiter.resolve(bound === undefined ? undefined : bound);
      }
    }
  } finally {
    polling = false;
    if (waiters.size === 0 && poller) {
      clearInterval(poller);
      poller = undefined;
    }
  }
}

/**
 * Resolves once UDP `port` is bound (the decoder listens) or after `timeoutMs`, with whether it was seen bound
 * (undefined: this system has no socket tables, so the wait was a fixed pause of `fallbackMs`).
 *
 * Why: the server resumes the analysis consumer as soon as `camera:assign` is answered, and mediasoup sends the
 * key frame it asks for at that moment. A decoder that is still starting does not hear it, and a browser camera
 * sends no other key frame unless asked: the decoder then waits for one until its start timeout. Reading the
 * kernel's table (not probing the port with a bind of our own) cannot take the port from the decoder. All waits
 * share one reader of the tables (every `intervalMs`): sixteen cameras assigned at once once polled the tables 1,600
 * times a second, which starved the node's event loop until the server dropped it.
 */
export async function waitUntilListening(
  port: number,
  { timeoutMs, intervalMs = 20, fallbackMs = 300, tables = TABLES }: { timeoutMs: number; intervalMs?: number; fallbackMs?: number; tables?: readonly string[] },
): Promise<boolean | undefined> {
  const listening = await new Promise<boolean | undefined>((resolve) => {
    waiters.add({ port, deadline: Date.now() + timeoutMs, resolve });
    poller ??= setInterval(() => void poll(tables), intervalMs);
    void poll(tables);
  });
  if (listening === undefined) await new Promise((resolve) => setTimeout(resolve, Math.min(fallbackMs, timeoutMs)));
  return listening;
}

import { createSocket } from 'node:dgram';
import { readFileSync } from 'node:fs';

export type PortRange = { min: number; max: number };

async function canBind(host: string, port: number): Promise<boolean> {
  const socket = createSocket(host.includes(':') ? 'udp6' : 'udp4');
  try {
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.bind(port, host, () => resolve());
    });
    return true;
  } catch {
    return false;
  } finally {
    try {
      socket.close();
    } catch {
      // never bound
    }
  }
}

/**
 * A free RTP/RTCP port pair (even RTP port, RTCP on the next) in `range` on `host`, not in `taken`, and adds it to
 * `taken` (the caller deletes it when the camera goes). The decoder binds the ports itself a moment later; `taken`
 * keeps two cameras of this node off the same pair. A port is reserved before it is probed: allocations running at
 * once (a node given 8 cameras together) would otherwise probe the same free port and both take it, and the second
 * decoder would fail to bind it for as long as the first holds it.
 */
export async function allocatePorts(host: string, range: PortRange, taken: Set<number>): Promise<number> {
  const first = range.min % 2 === 0 ? range.min : range.min + 1;
  const count = Math.floor((range.max - first) / 2);
  if (count <= 0) throw new Error(`RTP port range ${range.min}-${range.max} holds no even/odd pair`);
  const start = Math.floor(Math.random() * count);
  for (let i = 0; i < count; i++) {
    const port = first + ((start + i) % count) * 2;
    if (taken.has(port)) continue;
    taken.add(port);
    if ((await canBind(host, port)) && (await canBind(host, port + 1))) return port;
    taken.delete(port);
  }
  throw new Error(`no free RTP port pair in ${range.min}-${range.max} on ${host}`);
}

/**
 * The part of `range` inside this machine's ephemeral port range (Linux: /proc/sys/net/ipv4/ip_local_port_range),
 * or undefined when they do not overlap or it cannot be read. A decoder port there can be taken by any outgoing
 * socket between the probe above and ffmpeg's own bind.
 */
export function ephemeralOverlap(range: PortRange, file = '/proc/sys/net/ipv4/ip_local_port_range'): PortRange | undefined {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
  const [low, high] = text.trim().split(/\s+/).map(Number);
  if (low === undefined || high === undefined || !Number.isFinite(low) || !Number.isFinite(high)) return undefined;
  const min = Math.max(low, range.min);
  const max = Math.min(high, range.max);
  return min <= max ? { min, max } : undefined;
}

import { lookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';
import type { Settings } from '@maskwatch/protocol/auth';

export type CameraNetworks = Settings['cameraNetworks'];

/** Never a camera: "this network", link-local (cloud metadata lives at 169.254.169.254), multicast, reserved. */
const ALWAYS_DENIED = ['0.0.0.0/8', '169.254.0.0/16', '224.0.0.0/4', '240.0.0.0/4', '::/128', 'fe80::/10', 'ff00::/8'];
const LOOPBACK = ['127.0.0.0/8', '::1/128'];

/**
 * The networks denied unless an admin sets others. Loopback is denied when the server listens beyond this machine:
 * otherwise anyone with an admin account could point ffmpeg at the server's own internal ports. A server that
 * listens on loopback only (tests, a one-machine development set-up) can only be used from this machine, whose
 * users reach loopback anyway, so there it is allowed.
 */
export function defaultCameraNetworks(listensOnLoopbackOnly: boolean): CameraNetworks {
  return { allow: [], deny: listensOnLoopbackOnly ? [...ALWAYS_DENIED] : [...LOOPBACK, ...ALWAYS_DENIED] };
}

function blockList(cidrs: readonly string[]): BlockList {
  const list = new BlockList();
  for (const cidr of cidrs) {
    const [address = '', prefix = ''] = cidr.split('/');
    const family = isIP(address) === 6 ? 'ipv6' : 'ipv4';
    list.addSubnet(address, Number(prefix), family);
  }
  return list;
}

/** `::ffff:127.0.0.1` is 127.0.0.1. */
function normalise(address: string): { address: string; family: 'ipv4' | 'ipv6' } {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped?.[1]) return { address: mapped[1], family: 'ipv4' };
  return { address, family: isIP(address) === 6 ? 'ipv6' : 'ipv4' };
}

/** Why `address` may not be a camera source under `networks`, or null when it may. */
export function refusedAddress(address: string, networks: CameraNetworks): string | null {
  const { address: plain, family } = normalise(address);
  if (blockList(networks.allow).check(plain, family)) return null;
  return blockList(networks.deny).check(plain, family) ? `${plain} is in a denied camera network` : null;
}

/**
 * Whether an RTSP URL's host may be used: an address literal is checked as it is, a name by every address it
 * resolves to now (all must be allowed). A name that does not resolve is let through: ffmpeg will fail on it too,
 * and the ingest checks again before each start.
 */
export async function refusedSource(url: string, networks: CameraNetworks): Promise<string | null> {
  let host: string;
  try {
    host = new URL(url).hostname.replace(/^\[|\]$/g, '');
  } catch {
    return 'not a URL';
  }
  let addresses: string[];
  if (isIP(host)) addresses = [host];
  else {
    try {
      const timeout = new Promise<never>((_, reject) => setTimeout(() => reject(new Error('timeout')), 3000).unref());
      addresses = (await Promise.race([lookup(host, { all: true, verbatim: true }), timeout])).map((a) => a.address);
    } catch {
      return null;
    }
  }
  for (const address of addresses) {
    const refused = refusedAddress(address, networks);
    if (refused) return address === host ? refused : `${host} resolves to ${refused}`;
  }
  return null;
}

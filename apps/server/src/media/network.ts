import { networkInterfaces } from 'node:os';

/** The machine's non-internal IPv4 addresses (the LAN), in interface order. */
export function lanAddresses(): string[] {
  const out: string[] = [];
  for (const infos of Object.values(networkInterfaces())) {
    for (const info of infos ?? []) {
      if (info.family === 'IPv4' && !info.internal) out.push(info.address);
    }
  }
  return out;
}

/** `auto`: the first LAN address (if any) and 127.0.0.1, so both LAN phones and local browsers get a candidate. */
export function resolveAnnouncedIps(setting: 'auto' | string[]): string[] {
  if (setting !== 'auto') return setting;
  const lan = lanAddresses()[0];
  return lan ? [lan, '127.0.0.1'] : ['127.0.0.1'];
}

import { hostname, networkInterfaces } from 'node:os';
import type { Database } from '@maskwatch/db/Database';
import { defaultCameraNetworks } from '../cameras/CameraNetworkPolicy.ts';
import { RequestGuard } from './RequestGuard.ts';
import type { AccessControl } from './AccessControl.ts';
import { AuditLog } from './AuditLog.ts';
import { AuthService } from './AuthService.ts';
import { CameraTokens } from './CameraTokens.ts';
import { SettingsService } from './SettingsService.ts';

const LOOPBACK_HOSTS = ['127.0.0.1', '::1', 'localhost'];

export function listensOnLoopbackOnly(host: string): boolean {
  return host === '127.0.0.1' || host === '::1' || host === 'localhost';
}

/**
 * The host names this server answers to: loopback always; when it listens on every interface, each interface's
 * address and the machine's name (also as `.local`); else the address it listens on; plus MASKWATCH_ALLOWED_HOSTS.
 */
export function serverHosts(host: string, extra: readonly string[]): string[] {
  const hosts = new Set([...LOOPBACK_HOSTS, ...extra]);
  if (host === '0.0.0.0' || host === '::') {
    for (const infos of Object.values(networkInterfaces()))
      for (const info of infos ?? []) hosts.add(info.address.replace(/%.*$/, ''));
    const name = hostname().toLowerCase();
    hosts.add(name).add(`${name}.local`);
  } else {
    hosts.add(host);
  }
  return [...hosts];
}

/**
 * Makes the access-control parts on `db`, and the first admin when there are no users yet: with `adminPassword`, or
 * a random password returned as `firstAdmin` (the caller prints it once; it is written nowhere else).
 */
export async function createAccessControl(
  db: Database,
  options: {
    host: string;
    tls: boolean;
    sessionHours: number;
    allowedHosts: readonly string[];
    adminPassword: string | undefined;
    resetAdmin?: boolean;
  },
): Promise<{ access: AccessControl; firstAdmin: { username: string; password: string } | undefined }> {
  const auth = new AuthService(db, { sessionTtlMs: options.sessionHours * 3_600_000 });
  let firstAdmin = await auth.ensureFirstAdmin(options.adminPassword);
  const audit = new AuditLog(db);
  if (options.resetAdmin && auth.listUsers().length > 0 && firstAdmin === undefined) {
    firstAdmin = await auth.resetAdmin(options.adminPassword);
    audit.record('system', 'user.reset_admin', null, { username: 'admin' });
  }
  auth.prune();
  const access: AccessControl = {
    auth,
    tokens: new CameraTokens(db),
    audit,
    settings: new SettingsService(db, { cameraNetworks: defaultCameraNetworks(listensOnLoopbackOnly(options.host)) }),
    guard: new RequestGuard({ hosts: serverHosts(options.host, options.allowedHosts), tls: options.tls }),
    secureCookies: options.tls,
  };
  return { access, firstAdmin };
}

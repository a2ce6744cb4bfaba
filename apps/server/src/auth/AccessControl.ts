import type { IncomingMessage } from 'node:http';
import type { Caller } from './Caller.ts';
import type { RequestGuard } from './RequestGuard.ts';
import type { AuditLog } from './AuditLog.ts';
import type { AuthService } from './AuthService.ts';
import type { CameraTokens } from './CameraTokens.ts';
import { readCookie, sessionCookieName } from './cookies.ts';
import type { SettingsService } from './SettingsService.ts';

/** The access-control parts that routes and signalling share (made and owned by createServer). */
export type AccessControl = {
  auth: AuthService;
  tokens: CameraTokens;
  audit: AuditLog;
  settings: SettingsService;
  guard: RequestGuard;
  /** Whether cookies are marked Secure (the server speaks HTTPS). */
  secureCookies: boolean;
};

/** The peer's address as the socket sees it (no X-Forwarded-For: there is no trusted proxy in front). */
export function addressOf(req: IncomingMessage): string {
  return (req.socket.remoteAddress ?? '').replace(/^::ffff:/, '');
}

/** Who sent `req`: the user of its session cookie, if the session is open. */
export function callerOf(access: AccessControl, req: IncomingMessage): Caller {
  const token = readCookie(req.headers.cookie, sessionCookieName(access.secureCookies));
  const signedIn = access.auth.identify(token);
  return {
    user: signedIn?.user ?? null,
    sessionId: signedIn?.session.id ?? null,
    address: addressOf(req),
  };
}

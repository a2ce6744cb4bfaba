import { LoginSchema, type SessionResponse } from '@maskwatch/protocol/auth';
import { MaskwatchError } from '@maskwatch/protocol/errors';
import type { AccessControl } from '../../auth/AccessControl.ts';
import { sessionCookie } from '../../auth/cookies.ts';
import { createLogger } from '../../logger.ts';
import { defineRoute, type Reply, type Route } from '../Route.ts';

const log = createLogger('sessionRoutes');
/** A refused sign-in is logged at most this often per address (a flood must not become a flood of log lines). */
const REFUSAL_LOG_MS = 10_000;

/** POST /api/session signs in (sets the cookie), GET says who is signed in, DELETE signs out. */
export function sessionRoutes(access: AccessControl): Route[] {
  const { auth, audit, secureCookies } = access;
  const whoAmI = (userId: string, expiresAt: string): SessionResponse => ({ user: auth.getUser(userId), expiresAt });
  const refusals = new Map<string, { at: number; count: number }>();
  const logRefusal = (address: string, reason: string): void => {
    const now = Date.now();
    const last = refusals.get(address);
    if (last && now - last.at < REFUSAL_LOG_MS) {
      last.count++;
      return;
    }
    if (refusals.size >= 1000) refusals.clear();
    refusals.set(address, { at: now, count: 0 });
    log.warn({ address, reason, refusedSinceLastLine: last?.count ?? 0 }, 'sign-in refused: throttled');
  };
  return [
    defineRoute({
      method: 'POST',
      path: '/api/session',
      access: 'public',
      summary: 'sign in with username and password (sets the HttpOnly session cookie)',
      body: LoginSchema,
      handler: async ({ req, body, caller }): Promise<Reply> => {
        const result = await auth.login(body.username, body.password, {
          address: caller.address,
          userAgent: req.headers['user-agent'] ?? null,
        });
        if (!result.ok) {
          if (result.reason === 'throttled' || result.reason === 'busy') {
            // Not audited one by one: a throttled flood must not fill the disk. The log says it once in a while.
            logRefusal(caller.address, result.reason);
            return {
              status: 429,
              headers: { 'retry-after': String(result.retryAfterSeconds) },
              body: {
                error: {
                  code: 'rate_limited',
                  message:
                    result.reason === 'busy'
                      ? 'a sign-in from this address is still being checked (or too many are); try again'
                      : `too many failed sign-ins; try again in ${result.retryAfterSeconds} s`,
                },
              },
            };
          }
          // The account is named only when it exists (a mistyped password in the name field stays out of the log).
          audit.record(caller, 'session.login_failed', result.user?.id ?? null, {
            ...(result.user ? { username: result.user.username } : {}),
            reason: result.reason,
          });
          throw new MaskwatchError('unauthorized', 'wrong username or password');
        }
        const { token, signedIn } = result;
        // A sign-in replaces the session this browser had (if any): one cookie, one session.
        if (caller.sessionId) auth.logout(caller.sessionId);
        const signedInCaller = { ...caller, user: signedIn.user, sessionId: signedIn.session.id };
        audit.record(signedInCaller, 'session.login', signedIn.user.id, { sessionId: signedIn.session.id });
        return {
          headers: { 'set-cookie': sessionCookie(secureCookies, token, auth.sessionTtlMs / 1000) },
          body: whoAmI(signedIn.user.id, signedIn.session.expiresAt),
        };
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/api/session',
      access: 'operator',
      summary: 'who is signed in, and until when',
      handler: ({ caller }) => {
        const expiresAt = caller.sessionId ? auth.expiresAt(caller.sessionId) : undefined;
        if (!caller.user || !expiresAt) throw new MaskwatchError('unauthorized', 'not signed in');
        return { body: whoAmI(caller.user.id, expiresAt) };
      },
    }),
    defineRoute({
      method: 'DELETE',
      path: '/api/session',
      access: 'operator',
      summary: 'sign out (the session ends everywhere it was used, its sockets too)',
      handler: ({ caller }) => {
        if (caller.sessionId) auth.logout(caller.sessionId);
        audit.record(caller, 'session.logout', caller.user?.id ?? null);
        return { status: 204, headers: { 'set-cookie': sessionCookie(secureCookies, '', 0) } };
      },
    }),
  ];
}

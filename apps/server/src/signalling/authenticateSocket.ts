import type { IncomingMessage } from 'node:http';
import type { ErrorBody } from '@maskwatch/protocol/errors';
import { HandshakeAuthSchema, type HandshakeAuth } from '@maskwatch/protocol/signalling';
import { PROTOCOL_VERSION } from '@maskwatch/protocol/version';
import { addressOf, type AccessControl } from '../auth/AccessControl.ts';
import { readCookie, sessionCookieName } from '../auth/cookies.ts';
import type { SocketPrincipal } from './SocketPrincipal.ts';

export type Handshake = { role: HandshakeAuth['role']; principal: SocketPrincipal; address: string };

/**
 * Decides who a new socket is, from its handshake: a viewer needs a signed-in user (session cookie); a camera needs
 * its publish token (a wrong or revoked one is refused even under open enrolment), or an admin's session, or open
 * enrolment. Returns the error to refuse it with otherwise (`unauthorized`: nobody; `forbidden`: the wrong somebody).
 */
export function authenticateSocket(access: AccessControl, auth: unknown, req: IncomingMessage): Handshake | ErrorBody {
  const parsed = HandshakeAuthSchema.safeParse(auth);
  if (!parsed.success)
    return { code: 'bad_request', message: 'handshake auth must be { protocolVersion: number, role: "camera" | "viewer", token?: string }' };
  const { protocolVersion, role, token } = parsed.data;
  if (protocolVersion !== PROTOCOL_VERSION)
    return {
      code: 'unsupported_version',
      message: `protocol version ${protocolVersion} is not supported; this server speaks ${PROTOCOL_VERSION}`,
    };
  const address = addressOf(req);
  const signedIn = access.auth.identify(readCookie(req.headers.cookie, sessionCookieName(access.secureCookies)));
  const user: SocketPrincipal | undefined = signedIn
    ? { kind: 'user', user: signedIn.user, sessionId: signedIn.session.id }
    : undefined;
  if (role === 'viewer') {
    if (!user) return { code: 'unauthorized', message: 'sign in to watch cameras' };
    return { role, principal: user, address };
  }
  if (token !== undefined) {
    const cameraId = access.tokens.cameraIdFor(token);
    if (!cameraId) return { code: 'unauthorized', message: 'this publish link is not valid (revoked or replaced); ask an admin for a new one' };
    return { role, principal: { kind: 'token', cameraId }, address };
  }
  if (user?.kind === 'user' && user.user.role === 'admin') return { role, principal: user, address };
  if (access.settings.get().openEnrolment) return { role, principal: { kind: 'enrolment' }, address };
  if (user) return { code: 'forbidden', message: 'operators cannot publish: open the camera page from its publish link' };
  return { code: 'unauthorized', message: 'a camera needs its publish link (ask an admin), or an admin signed in' };
}

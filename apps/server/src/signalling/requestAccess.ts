import type { ClientRequestName } from '@maskwatch/protocol/signalling';
import type { SocketAccess } from './SocketPrincipal.ts';

/**
 * Who may send each client request. Every request in the protocol must be listed (TypeScript refuses a missing
 * one), and `onRequest` checks it before the payload is even parsed: anything else is answered `forbidden`.
 * `camera` is a camera connection (publish token, admin, or open enrolment); `operator` and `admin` are viewer
 * connections of signed-in users (an admin may do all an operator may).
 */
export const REQUEST_ACCESS: { readonly [N in ClientRequestName]: readonly SocketAccess[] } = {
  'camera:join': ['camera'],
  'camera:prepare': ['camera'],
  'camera:produce': ['camera'],
  'camera:faces': ['camera'],
  'viewer:join': ['operator', 'admin'],
  'viewer:consume': ['operator', 'admin'],
  'viewer:resume': ['operator', 'admin'],
  'viewer:close-consumer': ['operator', 'admin'],
  'transport:create': ['camera', 'operator', 'admin'],
  'transport:connect': ['camera', 'operator', 'admin'],
  'clock:now': ['camera', 'operator', 'admin'],
  // Alert pushes for the console's feed and the history page.
  'alerts:subscribe': ['operator', 'admin'],
  'metrics:subscribe': ['operator', 'admin'],
};

export function mayRequest(access: SocketAccess, name: ClientRequestName): boolean {
  return REQUEST_ACCESS[name].includes(access);
}

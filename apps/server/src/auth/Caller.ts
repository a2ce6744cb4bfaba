import type { Role } from '@maskwatch/protocol/auth';

/** Who sent a request: the signed-in user (null when nobody is) and the peer address. */
export type Caller = {
  user: { id: string; username: string; role: Role } | null;
  /** The session behind the user, so a handler can end or spare it (null when nobody is signed in). */
  sessionId: string | null;
  address: string;
};

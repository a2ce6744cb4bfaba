import type { Role } from '@maskwatch/protocol/auth';

/**
 * Who is behind a socket, decided once at the handshake: a signed-in user (by the session cookie), a camera's
 * publish token, or nobody in particular (a camera under open enrolment).
 */
export type SocketPrincipal =
  | { kind: 'user'; user: { id: string; username: string; role: Role }; sessionId: string }
  | { kind: 'token'; cameraId: string }
  | { kind: 'enrolment' };

/** What a connection may ask for: a camera connection (any principal) or a viewer with its user's role. */
export type SocketAccess = 'camera' | Role;

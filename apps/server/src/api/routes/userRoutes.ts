import { z } from 'zod';
import {
  CreateUserSchema,
  UpdateUserSchema,
  UserIdSchema,
  type SessionListResponse,
  type UserListResponse,
  type UserResponse,
} from '@maskwatch/protocol/auth';
import type { AccessControl } from '../../auth/AccessControl.ts';
import { defineRoute, type Route } from '../Route.ts';

const ById = z.object({ id: UserIdSchema });
const SessionById = z.object({ id: z.string().min(1).max(64).regex(/^[A-Za-z0-9_-]+$/) });

/** Users and their sessions, for admins. Every change is audited; no password or hash ever leaves. */
export function userRoutes(access: AccessControl): Route[] {
  const { auth, audit } = access;
  return [
    defineRoute({
      method: 'GET',
      path: '/api/users',
      access: 'admin',
      summary: 'every user (name, role, disabled; never a password)',
      handler: () => {
        const body: UserListResponse = { users: auth.listUsers() };
        return { body };
      },
    }),
    defineRoute({
      method: 'POST',
      path: '/api/users',
      access: 'admin',
      summary: 'add a user with a role and a first password',
      body: CreateUserSchema,
      handler: async ({ body: input, caller }) => {
        const user = await auth.createUser(input);
        audit.record(caller, 'user.create', user.id, { username: user.username, role: user.role });
        const body: UserResponse = { user };
        return { status: 201, body, headers: { location: `/api/users/${user.id}` } };
      },
    }),
    defineRoute({
      method: 'PATCH',
      path: '/api/users/:id',
      access: 'admin',
      summary: "change a user's role or password, disable or enable them (ends their sessions)",
      params: ById,
      body: UpdateUserSchema,
      handler: async ({ params, body: changes, caller }) => {
        // An admin changing their own password stays signed in here; their other sessions end.
        const keep = params.id === caller.user?.id ? (caller.sessionId ?? undefined) : undefined;
        const user = await auth.updateUser(params.id, changes, keep);
        audit.record(caller, 'user.update', user.id, {
          username: user.username,
          ...(changes.role !== undefined ? { role: changes.role } : {}),
          ...(changes.disabled !== undefined ? { disabled: changes.disabled } : {}),
          ...(changes.password !== undefined ? { password: 'changed' } : {}),
        });
        const body: UserResponse = { user };
        return { body };
      },
    }),
    defineRoute({
      method: 'DELETE',
      path: '/api/users/:id',
      access: 'admin',
      summary: 'remove a user (their sessions end; the audit log keeps their name)',
      params: ById,
      handler: ({ params, caller }) => {
        const user = auth.removeUser(params.id);
        audit.record(caller, 'user.remove', user.id, { username: user.username });
        return { status: 204 };
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/api/sessions',
      access: 'admin',
      summary: 'open sessions: who, from where, since and until when',
      handler: () => {
        const body: SessionListResponse = { sessions: auth.listSessions() };
        return { body };
      },
    }),
    defineRoute({
      method: 'DELETE',
      path: '/api/sessions/:id',
      access: 'admin',
      summary: 'end a session now (its pages are signed out, its sockets closed)',
      params: SessionById,
      handler: ({ params, caller }) => {
        const session = auth.revokeSession(params.id);
        audit.record(caller, 'session.revoke', session.userId, { username: session.username, sessionId: session.id });
        return { status: 204 };
      },
    }),
  ];
}

/** REST client for the admin pages: users, sessions, audit log, settings, publish links. */
import {
  AuditListResponseSchema,
  PublishLinkListResponseSchema,
  PublishLinkResponseSchema,
  SessionListResponseSchema,
  SettingsResponseSchema,
  UserListResponseSchema,
  UserResponseSchema,
  type CreateUser,
  type UpdateSettings,
  type UpdateUser,
} from '@maskwatch/protocol/auth';
import { call } from './api';

const json = (method: string, body: unknown): RequestInit => ({ method, body: JSON.stringify(body) });
const id = (value: string) => encodeURIComponent(value);

export const listUsers = async () => (await call(UserListResponseSchema, '/api/users'))?.users ?? [];
export const createUser = async (input: CreateUser) => (await call(UserResponseSchema, '/api/users', json('POST', input)))?.user;
export const updateUser = async (userId: string, input: UpdateUser) =>
  (await call(UserResponseSchema, `/api/users/${id(userId)}`, json('PATCH', input)))?.user;
export const removeUser = (userId: string) => call(null, `/api/users/${id(userId)}`, { method: 'DELETE' });

export const listSessions = async () => (await call(SessionListResponseSchema, '/api/sessions'))?.sessions ?? [];
export const revokeSession = (sessionId: string) => call(null, `/api/sessions/${id(sessionId)}`, { method: 'DELETE' });

export const auditPage = (before?: number) =>
  call(AuditListResponseSchema, `/api/audit?limit=100${before ? `&before=${before}` : ''}`);

export const getSettings = () => call(SettingsResponseSchema, '/api/settings');
export const updateSettings = (changes: UpdateSettings) => call(SettingsResponseSchema, '/api/settings', json('PATCH', changes));

export const listPublishLinks = async () => (await call(PublishLinkListResponseSchema, '/api/publish-links'))?.links ?? [];
export const newPublishLink = (cameraId: string) =>
  call(PublishLinkResponseSchema, `/api/cameras/${id(cameraId)}/publish-link`, { method: 'POST' });
export const revokePublishLink = (cameraId: string) =>
  call(null, `/api/cameras/${id(cameraId)}/publish-link`, { method: 'DELETE' });

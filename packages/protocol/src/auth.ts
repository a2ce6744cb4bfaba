/** Access control: roles, and who may do what. */
import { z } from 'zod';

/** admin: manages cameras, users and settings; operator: watches, reviews and acknowledges alerts. */
export const ROLES = ['operator', 'admin'] as const;
export const RoleSchema = z.enum(ROLES);
export type Role = z.infer<typeof RoleSchema>;

/** What a REST route or socket request asks of its caller: nobody signed in, any signed-in user, or an admin. */
export const ACCESS_LEVELS = ['public', 'operator', 'admin'] as const;
export type Access = (typeof ACCESS_LEVELS)[number];

/** Whether a user with `role` may use something that asks for `access` (an admin may do all an operator may). */
export function roleAllows(role: Role | null, access: Access): boolean {
  if (access === 'public') return true;
  if (role === null) return false;
  return access === 'operator' || role === 'admin';
}

/**
 * `path` when it is a path on this site to send a browser to after sign-in, else null: never `//host`, `/\host` or a
 * full URL, nothing with whitespace or control characters (browsers drop tabs and newlines: `/\t/host` is `//host`).
 */
export function safeRedirectPath(path: string | null | undefined): string | null {
  if (!path || path.length > 2048) return null;
  return /^\/(?![/\\])[^\s\\\p{Cc}]*$/u.test(path) ? path : null;
}

/** Lower-case letters, digits, `.`, `_` and `-`, starting with a letter or digit: no look-alike names. */
export const UsernameSchema = z
  .string()
  .min(1, 'username is empty')
  .max(32, 'username is longer than 32 characters')
  .regex(/^[a-z0-9][a-z0-9._-]*$/, 'lower-case letters, digits, ".", "_" and "-" only, starting with a letter or digit');

export const PASSWORD_MIN_LENGTH = 10;
/** A new password: long enough to resist guessing, bounded so hashing it costs a known amount. */
export const PasswordSchema = z
  .string()
  .min(PASSWORD_MIN_LENGTH, `password is shorter than ${PASSWORD_MIN_LENGTH} characters`)
  .max(128, 'password is longer than 128 characters')
  .regex(/^[^\p{Cc}]+$/u, 'password has control characters');

export const LoginSchema = z
  .object({ username: z.string().min(1).max(64), password: z.string().min(1).max(1024) })
  .strict();
export type Login = z.infer<typeof LoginSchema>;

export const UserSchema = z.object({
  id: z.string(),
  username: UsernameSchema,
  role: RoleSchema,
  /** A disabled user cannot sign in; their sessions were ended when they were disabled. */
  disabled: z.boolean(),
  createdAt: z.string(),
  updatedAt: z.string(),
  passwordChangedAt: z.string(),
});
export type User = z.infer<typeof UserSchema>;

export const UserIdSchema = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9_-]+$/, 'letters, digits, _ and - only');

export const CreateUserSchema = z
  .object({ username: UsernameSchema, password: PasswordSchema, role: RoleSchema })
  .strict();
export type CreateUser = z.infer<typeof CreateUserSchema>;

export const UpdateUserSchema = z
  .object({ role: RoleSchema, password: PasswordSchema, disabled: z.boolean() })
  .partial()
  .strict()
  .refine((value) => Object.keys(value).length > 0, 'nothing to update');
export type UpdateUser = z.infer<typeof UpdateUserSchema>;

/** The signed-in user (GET/POST /api/session). */
export const SessionResponseSchema = z.object({ user: UserSchema, expiresAt: z.string() });
export type SessionResponse = z.infer<typeof SessionResponseSchema>;

export const UserListResponseSchema = z.object({ users: z.array(UserSchema) });
export type UserListResponse = z.infer<typeof UserListResponseSchema>;
export const UserResponseSchema = z.object({ user: UserSchema });
export type UserResponse = z.infer<typeof UserResponseSchema>;

/** A session as an admin sees it (never its token). */
export const SessionInfoSchema = z.object({
  id: z.string(),
  userId: z.string(),
  username: z.string(),
  createdAt: z.string(),
  expiresAt: z.string(),
  lastSeenAt: z.string(),
  address: z.string().nullable(),
  userAgent: z.string().nullable(),
});
export type SessionInfo = z.infer<typeof SessionInfoSchema>;
export const SessionListResponseSchema = z.object({ sessions: z.array(SessionInfoSchema) });
export type SessionListResponse = z.infer<typeof SessionListResponseSchema>;

/** One line of the audit log: who (`actor`, a username, `camera:<id>` or `system`), what, when, to what. */
export const AuditEntrySchema = z.object({
  id: z.number().int(),
  at: z.string(),
  actorId: z.string().nullable(),
  actor: z.string(),
  action: z.string(),
  target: z.string().nullable(),
  detail: z.record(z.string(), z.unknown()).nullable(),
  address: z.string().nullable(),
});
export type AuditEntry = z.infer<typeof AuditEntrySchema>;
export const AuditQuerySchema = z
  .object({
    /** Entries older than this id (the previous page's `nextBefore`). */
    before: z.coerce.number().int().positive().optional(),
    limit: z.coerce.number().int().min(1).max(500).default(100),
  })
  .strict();
export const AuditListResponseSchema = z.object({
  entries: z.array(AuditEntrySchema),
  nextBefore: z.number().int().nullable(),
});
export type AuditListResponse = z.infer<typeof AuditListResponseSchema>;

export const CidrSchema = z.union([z.cidrv4(), z.cidrv6()], { error: 'a network such as 192.168.1.0/24 or fd00::/8' });

/**
 * Settings an admin changes at run time. `openEnrolment`: a camera page without a publish link may publish under any
 * name (creating the camera), as in a lab; off by default. `cameraNetworks`: where RTSP sources may be (an address
 * in `allow` is allowed even when `deny` covers it); null means the default (see the server README).
 */
export const SettingsSchema = z.object({
  openEnrolment: z.boolean(),
  cameraNetworks: z.object({ allow: z.array(CidrSchema).max(64), deny: z.array(CidrSchema).max(64) }),
});
export type Settings = z.infer<typeof SettingsSchema>;
export const UpdateSettingsSchema = SettingsSchema.partial()
  .strict()
  .refine((value) => Object.keys(value).length > 0, 'nothing to update');
export type UpdateSettings = z.infer<typeof UpdateSettingsSchema>;
export const SettingsResponseSchema = z.object({
  settings: SettingsSchema,
  /** The networks denied when `cameraNetworks` was never set (depends on where the server listens). */
  defaultCameraNetworks: SettingsSchema.shape.cameraNetworks,
});
export type SettingsResponse = z.infer<typeof SettingsResponseSchema>;

/**
 * A browser camera's publish link: the camera page URL with the token in its fragment (`#token=`), which the browser
 * never sends to a server or in a Referer. Shown when made; only a hash of the token is kept.
 */
export const PublishLinkResponseSchema = z.object({ cameraId: z.string(), publishUrl: z.string(), createdAt: z.string() });
export type PublishLinkResponse = z.infer<typeof PublishLinkResponseSchema>;
/** Which cameras have a publish token, and since when (never the token). */
export const PublishLinkListResponseSchema = z.object({
  links: z.array(z.object({ cameraId: z.string(), createdAt: z.string(), createdBy: z.string().nullable() })),
});
export type PublishLinkListResponse = z.infer<typeof PublishLinkListResponseSchema>;

/** Publish tokens: 32 random bytes, base64url. */
export const PublishTokenSchema = z.string().min(16).max(128).regex(/^[A-Za-z0-9_-]+$/);

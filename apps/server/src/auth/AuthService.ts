import { createHash, randomBytes } from 'node:crypto';
import type { Database } from '@maskwatch/db/Database';
import { DbError } from '@maskwatch/db/DbError';
import { SessionRepository, type StoredSession } from '@maskwatch/db/SessionRepository';
import { UserRepository, type StoredUser } from '@maskwatch/db/UserRepository';
import type { CreateUser, Role, SessionInfo, UpdateUser, User } from '@maskwatch/protocol/auth';
import { MaskwatchError } from '@maskwatch/protocol/errors';
import { EnhancedEmitter } from '../EnhancedEmitter.ts';
import { createLogger } from '../logger.ts';
import { addressKey, LoginThrottle } from './LoginThrottle.ts';
import { hashPassword, randomPassword, verifyPassword } from './password.ts';
import { VerificationGate } from './VerificationGate.ts';

const log = createLogger('AuthService');

/** The first admin's name. */
export const FIRST_ADMIN = 'admin';
/** How often a session's last-seen time is written (not on every request). */
const TOUCH_EVERY_MS = 60_000;

export type SignedIn = { user: { id: string; username: string; role: Role }; session: StoredSession };

export type LoginResult =
  | { ok: true; token: string; signedIn: SignedIn }
  | { ok: false; reason: 'throttled' | 'busy'; retryAfterSeconds: number; user: undefined }
  /** `user` is set when the name exists (the audit log names the account only then). */
  | { ok: false; reason: 'unknown' | 'wrong' | 'disabled'; user: StoredUser | undefined };

export type AuthServiceEvents = {
  /** These sessions ended (logout, revoked, user disabled, removed, role or password changed): drop their sockets. */
  revoked: [sessionIds: string[]];
};

export type AuthServiceOptions = {
  sessionTtlMs: number;
  throttle?: LoginThrottle;
  gate?: VerificationGate;
};

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

export function publicUser(user: StoredUser): User {
  return {
    id: user.id,
    username: user.username,
    role: user.role,
    disabled: user.disabled,
    createdAt: user.createdAt,
    updatedAt: user.updatedAt,
    passwordChangedAt: user.passwordChangedAt,
  };
}

function toMaskwatchError(error: unknown): unknown {
  if (error instanceof DbError)
    return new MaskwatchError(error.code === 'invalid' ? 'bad_request' : error.code, error.message);
  return error;
}

/**
 * Users and sessions: sign-in (throttled, constant work for unknown names), session tokens (random, stored as
 * SHA-256, absolute expiry), revocation, and user management that never leaves the system without an admin.
 */
export class AuthService extends EnhancedEmitter<AuthServiceEvents> {
  readonly #users: UserRepository;
  readonly #sessions: SessionRepository;
  readonly #ttlMs: number;
  readonly throttle: LoginThrottle;
  readonly #gate: VerificationGate;
  readonly #touched = new Map<string, number>();
  #dummyHash: Promise<string> | undefined;

  constructor(db: Database, options: AuthServiceOptions) {
    super();
    this.#users = new UserRepository(db);
    this.#sessions = new SessionRepository(db);
    this.#ttlMs = options.sessionTtlMs;
    this.throttle = options.throttle ?? new LoginThrottle();
    this.#gate = options.gate ?? new VerificationGate();
  }

  /**
   * At first start (no users at all): creates `admin` with `password`, or with a random one that is returned so the
   * caller can print it once. Later starts change nothing and return undefined.
   */
  async ensureFirstAdmin(password: string | undefined): Promise<{ username: string; password: string } | undefined> {
    if (this.#users.count() > 0) return undefined;
    const chosen = password ?? randomPassword();
    this.#users.create({ username: FIRST_ADMIN, role: 'admin', passwordHash: await hashPassword(chosen) });
    log.info({ username: FIRST_ADMIN, generated: password === undefined }, 'first admin created');
    return password === undefined ? { username: FIRST_ADMIN, password: chosen } : undefined;
  }

  /**
   * The way back in when every admin password is lost (MASKWATCH_RESET_ADMIN=on, which takes a shell on the server):
   * `admin` gets `password` (or a random one, returned to print once), is enabled and made admin again, and its
   * sessions end.
   */
  async resetAdmin(password: string | undefined): Promise<{ username: string; password: string } | undefined> {
    const chosen = password ?? randomPassword();
    const passwordHash = await hashPassword(chosen);
    const existing = this.#users.getByUsername(FIRST_ADMIN);
    if (!existing) this.#users.create({ username: FIRST_ADMIN, role: 'admin', passwordHash });
    else {
      this.#users.update(existing.id, { role: 'admin', disabled: false, passwordHash });
      this.#revoke(this.#sessions.revoke({ userId: existing.id }, new Date().toISOString()));
    }
    log.warn({ username: FIRST_ADMIN, generated: password === undefined }, 'admin password reset (MASKWATCH_RESET_ADMIN)');
    return password === undefined ? { username: FIRST_ADMIN, password: chosen } : undefined;
  }

  /**
   * Checks a password and opens a session. Unknown user, wrong password and disabled user fail alike after the same
   * work (the caller answers `unauthorized` to all three). The cheap checks come first: a throttled attempt, or one
   * from an address whose previous attempt is still being checked, fails without hashing anything.
   */
  async login(username: string, password: string, meta: { address: string; userAgent: string | null }): Promise<LoginResult> {
    const name = username.trim().toLowerCase();
    const wait = this.throttle.waitMs(name, meta.address);
    if (wait > 0) return { ok: false, reason: 'throttled', retryAfterSeconds: Math.ceil(wait / 1000), user: undefined };
    const release = await this.#gate.enter(addressKey(meta.address));
    if (!release) return { ok: false, reason: 'busy', retryAfterSeconds: 1, user: undefined };
    let user: StoredUser | undefined;
    let ok: boolean;
    try {
      user = this.#users.getByUsername(name);
      // Unknown names cost the same as known ones, so timing does not tell which exist.
      ok = await verifyPassword(password, user?.passwordHash ?? (await this.#dummy()));
    } finally {
      release();
    }
    if (!user || !ok || user.disabled) {
      this.throttle.failed(name, meta.address);
      return { ok: false, reason: !user ? 'unknown' : !ok ? 'wrong' : 'disabled', user };
    }
    this.throttle.succeeded(name, meta.address);
    const token = randomBytes(32).toString('base64url');
    const now = new Date();
    const session = this.#sessions.create({
      id: `ses_${randomBytes(9).toString('base64url')}`,
      tokenHash: sha256(token),
      userId: user.id,
      createdAt: now.toISOString(),
      expiresAt: new Date(now.getTime() + this.#ttlMs).toISOString(),
      address: meta.address.slice(0, 64),
      userAgent: meta.userAgent?.slice(0, 256) ?? null,
    });
    this.#touched.set(session.id, now.getTime());
    log.info({ userId: user.id, sessionId: session.id }, 'signed in');
    return { ok: true, token, signedIn: { user: { id: user.id, username: user.username, role: user.role }, session } };
  }

  /** The user behind a session token, if the session is open, unexpired and the user enabled. */
  identify(token: string | undefined): SignedIn | undefined {
    if (!token || token.length > 128) return undefined;
    const session = this.#sessions.byTokenHash(sha256(token));
    return session ? this.#check(session) : undefined;
  }

  /** The same check by session id (sockets re-check their session from time to time). */
  stillValid(sessionId: string): boolean {
    const session = this.#sessions.get(sessionId);
    return session !== undefined && this.#check(session) !== undefined;
  }

  /** When an open session ends (undefined when it is not open). */
  expiresAt(sessionId: string): string | undefined {
    const session = this.#sessions.get(sessionId);
    return session && this.#check(session) ? session.expiresAt : undefined;
  }

  logout(sessionId: string): void {
    this.#revoke(this.#sessions.revoke({ id: sessionId }, new Date().toISOString()));
  }

  get sessionTtlMs(): number {
    return this.#ttlMs;
  }

  listUsers(): User[] {
    return this.#users.list().map(publicUser);
  }

  getUser(id: string): User {
    const user = this.#users.get(id);
    if (!user) throw new MaskwatchError('not_found', `no user ${id}`);
    return publicUser(user);
  }

  async createUser(input: CreateUser): Promise<User> {
    this.#refuseUsernameAsPassword(input.username, input.password);
    const passwordHash = await hashPassword(input.password);
    try {
      return publicUser(this.#users.create({ username: input.username, role: input.role, passwordHash }));
    } catch (error) {
      throw toMaskwatchError(error);
    }
  }

  /**
   * Changes a user. A role change, a new password or disabling ends the user's sessions (except `keepSessionId`, the
   * admin's own, when all they change is their own password); the last enabled admin cannot be demoted or disabled.
   */
  async updateUser(id: string, changes: UpdateUser, keepSessionId?: string): Promise<User> {
    const current = this.#users.get(id);
    if (!current) throw new MaskwatchError('not_found', `no user ${id}`);
    const losesAdmin =
      current.role === 'admin' && !current.disabled && ((changes.role && changes.role !== 'admin') || changes.disabled === true);
    if (losesAdmin && this.#users.activeAdminCount() <= 1)
      throw new MaskwatchError('conflict', 'this is the last enabled admin: make another admin first');
    if (changes.password !== undefined) this.#refuseUsernameAsPassword(current.username, changes.password);
    const passwordHash = changes.password === undefined ? undefined : await hashPassword(changes.password);
    const updated = this.#users.update(id, {
      ...(changes.role !== undefined ? { role: changes.role } : {}),
      ...(changes.disabled !== undefined ? { disabled: changes.disabled } : {}),
      ...(passwordHash !== undefined ? { passwordHash } : {}),
    });
    const endsSessions =
      (changes.role !== undefined && changes.role !== current.role) ||
      changes.disabled === true ||
      passwordHash !== undefined;
    const onlyPassword = Object.keys(changes).every((key) => key === 'password');
    if (endsSessions)
      this.#revoke(
        this.#sessions.revoke({ userId: id, exceptId: onlyPassword ? keepSessionId : undefined }, new Date().toISOString()),
      );
    return publicUser(updated);
  }

  removeUser(id: string): User {
    const current = this.#users.get(id);
    if (!current) throw new MaskwatchError('not_found', `no user ${id}`);
    if (current.role === 'admin' && !current.disabled && this.#users.activeAdminCount() <= 1)
      throw new MaskwatchError('conflict', 'this is the last enabled admin: make another admin first');
    const sessionIds = this.#sessions.listActive(new Date().toISOString(), id).map((session) => session.id);
    this.#users.remove(id);
    this.#revoke(sessionIds);
    return publicUser(current);
  }

  listSessions(): SessionInfo[] {
    const names = new Map(this.#users.list().map((user) => [user.id, user.username]));
    return this.#sessions.listActive(new Date().toISOString()).map((session) => ({
      id: session.id,
      userId: session.userId,
      username: names.get(session.userId) ?? '?',
      createdAt: session.createdAt,
      expiresAt: session.expiresAt,
      lastSeenAt: session.lastSeenAt,
      address: session.address,
      userAgent: session.userAgent,
    }));
  }

  revokeSession(id: string): SessionInfo {
    const session = this.#sessions.get(id);
    if (!session || session.revokedAt !== null) throw new MaskwatchError('not_found', `no open session ${id}`);
    const info = this.listSessions().find((s) => s.id === id);
    this.#revoke(this.#sessions.revoke({ id }, new Date().toISOString()));
    if (!info) throw new MaskwatchError('not_found', `no open session ${id}`);
    return info;
  }

  /** Deletes sessions that ended more than a day ago. */
  prune(): void {
    this.#sessions.prune(new Date(Date.now() - 86_400_000).toISOString());
  }

  #check(session: StoredSession): SignedIn | undefined {
    const now = Date.now();
    if (session.revokedAt !== null || Date.parse(session.expiresAt) <= now) return undefined;
    const user = this.#users.get(session.userId);
    if (!user || user.disabled) return undefined;
    if (now - (this.#touched.get(session.id) ?? 0) > TOUCH_EVERY_MS) {
      this.#touched.set(session.id, now);
      if (this.#touched.size > 10_000) this.#touched.clear();
      this.#sessions.touch(session.id, new Date(now).toISOString());
    }
    return { user: { id: user.id, username: user.username, role: user.role }, session };
  }

  #revoke(sessionIds: string[]): void {
    if (sessionIds.length === 0) return;
    for (const id of sessionIds) this.#touched.delete(id);
    log.info({ sessionIds }, 'sessions ended');
    this.safeEmit('revoked', sessionIds);
  }

  #refuseUsernameAsPassword(username: string, password: string): void {
    if (password.toLowerCase().includes(username.toLowerCase()))
      throw new MaskwatchError('bad_request', 'the password must not contain the username', [
        { path: 'password', message: 'must not contain the username' },
      ]);
  }

  #dummy(): Promise<string> {
    this.#dummyHash ??= hashPassword(randomBytes(16).toString('hex'));
    return this.#dummyHash;
  }
}

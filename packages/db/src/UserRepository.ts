import { randomBytes } from 'node:crypto';
import type { Role, User } from '@maskwatch/protocol/auth';
import type { Database } from './Database.ts';
import { DbError } from './DbError.ts';

type UserRow = {
  id: string;
  username: string;
  role: Role;
  password_hash: string;
  disabled: number;
  created_at: string;
  updated_at: string;
  password_changed_at: string;
};

/** A user with its password hash: stays inside the server (the wire gets `User`). */
export type StoredUser = User & { passwordHash: string };
export type UserChanges = Partial<{ role: Role; passwordHash: string; disabled: boolean }>;

function toUser(row: UserRow): StoredUser {
  return {
    id: row.id,
    username: row.username,
    role: row.role,
    disabled: row.disabled === 1,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    passwordChangedAt: row.password_changed_at,
    passwordHash: row.password_hash,
  };
}

/** Users table. Ids are `usr_` + 12 hex digits; usernames are unique. */
export class UserRepository {
  readonly #db: Database;

  constructor(db: Database) {
    this.#db = db;
  }

  count(): number {
    return this.#db.handle.prepare<[], { n: number }>('SELECT count(*) AS n FROM users').get()?.n ?? 0;
  }

  list(): StoredUser[] {
    return this.#db.handle
      .prepare<[], UserRow>('SELECT * FROM users ORDER BY username')
      .all()
      .map(toUser);
  }

  get(id: string): StoredUser | undefined {
    const row = this.#db.handle.prepare<[string], UserRow>('SELECT * FROM users WHERE id = ?').get(id);
    return row ? toUser(row) : undefined;
  }

  getByUsername(username: string): StoredUser | undefined {
    const row = this.#db.handle.prepare<[string], UserRow>('SELECT * FROM users WHERE username = ?').get(username);
    return row ? toUser(row) : undefined;
  }

  /** Admins that can sign in (the last one may not be removed, disabled or demoted). */
  activeAdminCount(): number {
    return (
      this.#db.handle
        .prepare<[], { n: number }>(`SELECT count(*) AS n FROM users WHERE role = 'admin' AND disabled = 0`)
        .get()?.n ?? 0
    );
  }

  create(input: { username: string; role: Role; passwordHash: string }): StoredUser {
    const now = new Date().toISOString();
    const id = `usr_${randomBytes(6).toString('hex')}`;
    try {
      this.#db.handle
        .prepare(
          `INSERT INTO users (id, username, role, password_hash, disabled, created_at, updated_at, password_changed_at)
           VALUES (?, ?, ?, ?, 0, ?, ?, ?)`,
        )
        .run(id, input.username, input.role, input.passwordHash, now, now, now);
    } catch (error) {
      if (error instanceof Error && 'code' in error && String(error.code).startsWith('SQLITE_CONSTRAINT_UNIQUE'))
        throw new DbError('conflict', `a user named "${input.username}" already exists`);
      throw error;
    }
    const created = this.get(id);
    if (!created) throw new DbError('not_found', `user ${id} vanished after insert`);
    return created;
  }

  update(id: string, changes: UserChanges): StoredUser {
    const current = this.get(id);
    if (!current) throw new DbError('not_found', `no user ${id}`);
    const now = new Date().toISOString();
    const next: StoredUser = {
      ...current,
      role: changes.role ?? current.role,
      disabled: changes.disabled ?? current.disabled,
      passwordHash: changes.passwordHash ?? current.passwordHash,
      passwordChangedAt: changes.passwordHash ? now : current.passwordChangedAt,
      updatedAt: now,
    };
    this.#db.handle
      .prepare(
        'UPDATE users SET role = ?, disabled = ?, password_hash = ?, password_changed_at = ?, updated_at = ? WHERE id = ?',
      )
      .run(next.role, next.disabled ? 1 : 0, next.passwordHash, next.passwordChangedAt, next.updatedAt, id);
    return next;
  }

  /** Returns whether a row was removed (its sessions go with it). */
  remove(id: string): boolean {
    return this.#db.handle.prepare('DELETE FROM users WHERE id = ?').run(id).changes > 0;
  }
}

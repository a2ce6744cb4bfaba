import type { Database } from './Database.ts';

type SessionRow = {
  id: string;
  token_hash: string;
  user_id: string;
  created_at: string;
  expires_at: string;
  last_seen_at: string;
  revoked_at: string | null;
  address: string | null;
  user_agent: string | null;
};

export type StoredSession = {
  id: string;
  userId: string;
  createdAt: string;
  expiresAt: string;
  lastSeenAt: string;
  revokedAt: string | null;
  address: string | null;
  userAgent: string | null;
};

function toSession(row: SessionRow): StoredSession {
  return {
    id: row.id,
    userId: row.user_id,
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    lastSeenAt: row.last_seen_at,
    revokedAt: row.revoked_at,
    address: row.address,
    userAgent: row.user_agent,
  };
}

/** Sessions table: looked up by the SHA-256 of the cookie's token, listed and revoked by id. */
export class SessionRepository {
  readonly #db: Database;

  constructor(db: Database) {
    this.#db = db;
  }

  create(session: Omit<StoredSession, 'revokedAt' | 'lastSeenAt'> & { tokenHash: string }): StoredSession {
    this.#db.handle
      .prepare(
        `INSERT INTO sessions (id, token_hash, user_id, created_at, expires_at, last_seen_at, address, user_agent)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        session.id,
        session.tokenHash,
        session.userId,
        session.createdAt,
        session.expiresAt,
        session.createdAt,
        session.address,
        session.userAgent,
      );
    return { ...session, lastSeenAt: session.createdAt, revokedAt: null };
  }

  byTokenHash(tokenHash: string): StoredSession | undefined {
    const row = this.#db.handle
      .prepare<[string], SessionRow>('SELECT * FROM sessions WHERE token_hash = ?')
      .get(tokenHash);
    return row ? toSession(row) : undefined;
  }

  get(id: string): StoredSession | undefined {
    const row = this.#db.handle.prepare<[string], SessionRow>('SELECT * FROM sessions WHERE id = ?').get(id);
    return row ? toSession(row) : undefined;
  }

  /** Sessions not revoked and not expired at `now`, newest first. */
  listActive(now: string, userId?: string): StoredSession[] {
    const sql = `SELECT * FROM sessions WHERE revoked_at IS NULL AND expires_at > ?${userId ? ' AND user_id = ?' : ''}
                 ORDER BY created_at DESC`;
    const args = userId ? [now, userId] : [now];
    return this.#db.handle
      .prepare<string[], SessionRow>(sql)
      .all(...args)
      .map(toSession);
  }

  touch(id: string, at: string): void {
    this.#db.handle.prepare('UPDATE sessions SET last_seen_at = ? WHERE id = ?').run(at, id);
  }

  /** Revokes sessions (one by id, or every active one of a user); returns the ids it revoked. */
  revoke(filter: { id: string } | { userId: string; exceptId?: string }, at: string): string[] {
    const rows =
      'id' in filter
        ? this.#db.handle
            .prepare<[string], { id: string }>('SELECT id FROM sessions WHERE id = ? AND revoked_at IS NULL')
            .all(filter.id)
        : this.#db.handle
            .prepare<[string, string], { id: string }>(
              'SELECT id FROM sessions WHERE user_id = ? AND revoked_at IS NULL AND id != ?',
            )
            .all(filter.userId, filter.exceptId ?? '');
    const mark = this.#db.handle.prepare('UPDATE sessions SET revoked_at = ? WHERE id = ?');
    this.#db.handle.transaction(() => rows.forEach((row) => mark.run(at, row.id)))();
    return rows.map((row) => row.id);
  }

  /** Deletes sessions that ended (expired or revoked) before `before`; returns how many. */
  prune(before: string): number {
    return this.#db.handle
      .prepare('DELETE FROM sessions WHERE expires_at < ? OR (revoked_at IS NOT NULL AND revoked_at < ?)')
      .run(before, before).changes;
  }
}

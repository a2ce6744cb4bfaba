import type { AuditEntry } from '@maskwatch/protocol/auth';
import type { Database } from './Database.ts';

type AuditRow = {
  id: number;
  at: string;
  actor_id: string | null;
  actor: string;
  action: string;
  target: string | null;
  detail: string | null;
  address: string | null;
};

export type NewAuditEntry = Omit<AuditEntry, 'id' | 'at'> & { at?: string };

function toEntry(row: AuditRow): AuditEntry {
  return {
    id: row.id,
    at: row.at,
    actorId: row.actor_id,
    actor: row.actor,
    action: row.action,
    target: row.target,
    detail: row.detail === null ? null : (JSON.parse(row.detail) as Record<string, unknown>),
    address: row.address,
  };
}

/** The audit log: append and read newest first, by pages of ids. Rows are never changed. */
export class AuditRepository {
  readonly #db: Database;

  constructor(db: Database) {
    this.#db = db;
  }

  append(entry: NewAuditEntry): AuditEntry {
    const at = entry.at ?? new Date().toISOString();
    const detail = entry.detail === null ? null : JSON.stringify(entry.detail);
    const { lastInsertRowid } = this.#db.handle
      .prepare('INSERT INTO audit_log (at, actor_id, actor, action, target, detail, address) VALUES (?, ?, ?, ?, ?, ?, ?)')
      .run(at, entry.actorId, entry.actor, entry.action, entry.target, detail, entry.address);
    return { ...entry, id: Number(lastInsertRowid), at };
  }

  /** Newest first: at most `limit` entries with an id below `before` (all when absent). */
  page(limit: number, before?: number): AuditEntry[] {
    return this.#db.handle
      .prepare<[number, number], AuditRow>('SELECT * FROM audit_log WHERE id < ? ORDER BY id DESC LIMIT ?')
      .all(before ?? Number.MAX_SAFE_INTEGER, limit)
      .map(toEntry);
  }
}

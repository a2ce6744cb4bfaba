import BetterSqlite3 from 'better-sqlite3';

/**
 * Every row of every table in the SQLite file (read-only, beside the running server thanks to WAL), except the
 * sessions' last-seen time, which reading with a session updates (once a minute).
 */
export function dbSnapshot(path: string): Record<string, unknown[]> {
  const db = new BetterSqlite3(path, { readonly: true, fileMustExist: true });
  try {
    const tables = db
      .prepare<[], { name: string }>(`SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name`)
      .all();
    return Object.fromEntries(
      tables.map(({ name }) => {
        const rows = db.prepare(`SELECT * FROM "${name}" ORDER BY rowid`).all() as Record<string, unknown>[];
        return [name, name === 'sessions' ? rows.map(({ last_seen_at: _seen, ...row }) => row) : rows];
      }),
    );
  } finally {
    db.close();
  }
}

import BetterSqlite3 from 'better-sqlite3';

/** Every row of every table in the SQLite file (read-only, beside the running server thanks to WAL). */
export function dbSnapshot(path: string): Record<string, unknown[]> {
  const db = new BetterSqlite3(path, { readonly: true, fileMustExist: true });
  try {
    const tables = db
      .prepare<[], { name: string }>(`SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name`)
      .all();
    return Object.fromEntries(
      tables.map(({ name }) => [name, db.prepare(`SELECT * FROM "${name}" ORDER BY rowid`).all()]),
    );
  } finally {
    db.close();
  }
}

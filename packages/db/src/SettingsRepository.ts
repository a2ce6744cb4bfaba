import type { Database } from './Database.ts';

/** Key/value settings, values as JSON; the caller parses what it reads with its schema. */
export class SettingsRepository {
  readonly #db: Database;

  constructor(db: Database) {
    this.#db = db;
  }

  get(key: string): unknown {
    const row = this.#db.handle.prepare<[string], { value: string }>('SELECT value FROM settings WHERE key = ?').get(key);
    return row === undefined ? undefined : (JSON.parse(row.value) as unknown);
  }

  set(key: string, value: unknown): void {
    this.#db.handle
      .prepare(
        `INSERT INTO settings (key, value, updated_at) VALUES (?, ?, ?)
         ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`,
      )
      .run(key, JSON.stringify(value), new Date().toISOString());
  }
}

import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import BetterSqlite3 from 'better-sqlite3';
import { MIGRATIONS, type Migration } from './migrations/migrations.ts';

/** `data/maskwatch.db` under the repository root. */
export const DEFAULT_DB_PATH = resolve(dirname(fileURLToPath(import.meta.url)), '../../../data/maskwatch.db');

export type DatabaseOptions = {
  /** File path, or `:memory:` (unit tests). Parent folders are created. */
  path?: string;
  /** Defaults to the project's list; tests may pass their own. */
  migrations?: readonly Migration[];
};

/** Owns the one SQLite handle: WAL, foreign keys on, migrations applied at open. */
export class Database {
  readonly path: string;
  readonly handle: BetterSqlite3.Database;
  #closed = false;

  constructor(options: DatabaseOptions = {}) {
    this.path = options.path ?? DEFAULT_DB_PATH;
    if (this.path !== ':memory:') mkdirSync(dirname(resolve(this.path)), { recursive: true });
    this.handle = new BetterSqlite3(this.path);
    try {
      this.handle.pragma('journal_mode = WAL');
      this.handle.pragma('foreign_keys = ON');
      this.handle.pragma('busy_timeout = 5000');
      this.migrate(options.migrations ?? MIGRATIONS);
    } catch (error) {
      this.handle.close();
      throw error;
    }
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** Versions applied so far, in order. */
  appliedVersions(): number[] {
    return this.handle
      .prepare<[], { version: number }>('SELECT version FROM schema_migrations ORDER BY version')
      .all()
      .map((row) => row.version);
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.handle.close();
  }

  private migrate(migrations: readonly Migration[]): void {
    this.handle.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
      version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)`);
    const applied = new Set(this.appliedVersions());
    const sorted = [...migrations].sort((a, b) => a.version - b.version);
    const record = this.handle.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)');
    for (const migration of sorted) {
      if (applied.has(migration.version)) continue;
      this.handle.transaction(() => {
        this.handle.exec(migration.sql);
        record.run(migration.version, migration.name, new Date().toISOString());
      })();
    }
  }
}

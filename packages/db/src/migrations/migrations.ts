/**
 * Every schema change, in order. Append only: a migration that has shipped is never edited, a new one is added
 * with the next version. Each runs once, inside a transaction, and is recorded in `schema_migrations`.
 */
export type Migration = { version: number; name: string; sql: string };

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'cameras',
    sql: `
      CREATE TABLE cameras (
        id          TEXT PRIMARY KEY CHECK (length(id) BETWEEN 1 AND 64),
        name        TEXT NOT NULL UNIQUE CHECK (length(name) BETWEEN 1 AND 64),
        kind        TEXT NOT NULL CHECK (kind IN ('browser', 'rtsp')),
        rtsp_url    TEXT,
        enabled     INTEGER NOT NULL DEFAULT 1 CHECK (enabled IN (0, 1)),
        created_at  TEXT NOT NULL,
        updated_at  TEXT NOT NULL,
        CHECK ((kind = 'rtsp') = (rtsp_url IS NOT NULL))
      );
    `,
  },
  {
    version: 2,
    name: 'training_runs',
    sql: `
      CREATE TABLE training_runs (
        id           TEXT PRIMARY KEY CHECK (length(id) >= 1),
        model        TEXT NOT NULL,
        status       TEXT NOT NULL CHECK (status IN ('running', 'completed', 'failed')),
        started_at   TEXT NOT NULL,
        finished_at  TEXT,
        params       TEXT NOT NULL CHECK (json_valid(params)),
        epochs       TEXT NOT NULL CHECK (json_valid(epochs)),
        final        TEXT CHECK (final IS NULL OR json_valid(final)),
        system       TEXT CHECK (system IS NULL OR json_valid(system)),
        artifacts    TEXT CHECK (artifacts IS NULL OR json_valid(artifacts)),
        imported_at  TEXT NOT NULL
      );
      CREATE INDEX training_runs_started_at ON training_runs (started_at);
    `,
  },
  {
    version: 3,
    name: 'camera_analysis',
    sql: `
      ALTER TABLE cameras ADD COLUMN analysis_enabled INTEGER NOT NULL DEFAULT 1 CHECK (analysis_enabled IN (0, 1));
    `,
  },
];

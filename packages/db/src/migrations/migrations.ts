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
  // 4..5: alerts; 6..8: access control (users and sessions, audit log, camera publish tokens and settings).
  {
    version: 6,
    name: 'users_sessions',
    sql: `
      CREATE TABLE users (
        id                   TEXT PRIMARY KEY CHECK (length(id) BETWEEN 1 AND 64),
        username             TEXT NOT NULL UNIQUE CHECK (length(username) BETWEEN 1 AND 32),
        role                 TEXT NOT NULL CHECK (role IN ('admin', 'operator')),
        password_hash        TEXT NOT NULL,
        disabled             INTEGER NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1)),
        created_at           TEXT NOT NULL,
        updated_at           TEXT NOT NULL,
        password_changed_at  TEXT NOT NULL
      );
      -- The cookie carries a random token; only its SHA-256 is stored. id is a separate public handle (to list and
      -- revoke sessions) that cannot be used to sign in.
      CREATE TABLE sessions (
        id            TEXT PRIMARY KEY,
        token_hash    TEXT NOT NULL UNIQUE,
        user_id       TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        created_at    TEXT NOT NULL,
        expires_at    TEXT NOT NULL,
        last_seen_at  TEXT NOT NULL,
        revoked_at    TEXT,
        address       TEXT,
        user_agent    TEXT
      );
      CREATE INDEX sessions_user_id ON sessions (user_id);
    `,
  },
  {
    version: 7,
    name: 'audit_log',
    sql: `
      -- Who did what, when. No foreign key on the actor: the record outlives a removed user.
      CREATE TABLE audit_log (
        id        INTEGER PRIMARY KEY AUTOINCREMENT,
        at        TEXT NOT NULL,
        actor_id  TEXT,
        actor     TEXT NOT NULL,
        action    TEXT NOT NULL,
        target    TEXT,
        detail    TEXT CHECK (detail IS NULL OR json_valid(detail)),
        address   TEXT
      );
      CREATE INDEX audit_log_at ON audit_log (at);
    `,
  },
  {
    version: 8,
    name: 'camera_tokens_settings',
    sql: `
      -- One publish token per browser camera; only its SHA-256 is stored (the link is shown once, when made).
      CREATE TABLE camera_tokens (
        camera_id   TEXT PRIMARY KEY REFERENCES cameras (id) ON DELETE CASCADE,
        token_hash  TEXT NOT NULL UNIQUE,
        created_at  TEXT NOT NULL,
        created_by  TEXT
      );
      CREATE TABLE settings (
        key         TEXT PRIMARY KEY,
        value       TEXT NOT NULL CHECK (json_valid(value)),
        updated_at  TEXT NOT NULL
      );
    `,
  },
];

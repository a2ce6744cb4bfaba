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
  {
    version: 4,
    name: 'alerts',
    // camera_id is not a foreign key: the history (and its snapshots) outlives a removed camera.
    sql: `
      CREATE TABLE alerts (
        id               TEXT PRIMARY KEY CHECK (id GLOB 'al_[0-9a-f]*' AND length(id) = 19),
        camera_id        TEXT NOT NULL,
        camera_name      TEXT NOT NULL,
        track_id         INTEGER NOT NULL CHECK (track_id >= 0),
        label            TEXT NOT NULL CHECK (label IN ('no_mask', 'incorrect')),
        confidence       REAL NOT NULL CHECK (confidence BETWEEN 0 AND 1),
        first_seen_at    INTEGER NOT NULL,
        raised_at        INTEGER NOT NULL,
        resolved_at      INTEGER,
        ended_at         INTEGER,
        reminders        INTEGER NOT NULL DEFAULT 0 CHECK (reminders >= 0),
        last_reminded_at INTEGER,
        ack_by           TEXT,
        ack_at           INTEGER,
        ack_note         TEXT,
        model_name       TEXT NOT NULL,
        model_sha256     TEXT NOT NULL,
        node_id          TEXT,
        frame_seq        INTEGER,
        frame_ts         INTEGER NOT NULL,
        latency_ms       REAL NOT NULL CHECK (latency_ms >= 0),
        box              TEXT NOT NULL CHECK (json_valid(box)),
        frame_width      INTEGER NOT NULL CHECK (frame_width > 0),
        frame_height     INTEGER NOT NULL CHECK (frame_height > 0),
        snapshot_file    TEXT,
        thumbnail_file   TEXT,
        snapshot_width   INTEGER,
        snapshot_height  INTEGER,
        snapshot_bytes   INTEGER NOT NULL DEFAULT 0 CHECK (snapshot_bytes >= 0),
        CHECK ((ack_by IS NULL) = (ack_at IS NULL)),
        CHECK ((snapshot_file IS NULL) = (thumbnail_file IS NULL)),
        CHECK ((snapshot_file IS NULL) = (snapshot_width IS NULL))
      );
      CREATE INDEX alerts_raised_at ON alerts (raised_at, id);
      CREATE INDEX alerts_camera_raised_at ON alerts (camera_id, raised_at);
      CREATE TABLE alert_settings (
        camera_id       TEXT PRIMARY KEY REFERENCES cameras (id) ON DELETE CASCADE,
        cooldown_s      INTEGER CHECK (cooldown_s BETWEEN 0 AND 3600),
        reminder_s      INTEGER CHECK (reminder_s BETWEEN 0 AND 3600),
        max_reminders   INTEGER CHECK (max_reminders BETWEEN 0 AND 20),
        console_speaks  INTEGER NOT NULL DEFAULT 0 CHECK (console_speaks IN (0, 1)),
        updated_at      TEXT NOT NULL
      );
    `,
  },
  {
    version: 5,
    name: 'compliance_minutes',
    // People (tracks) seen per camera and minute by voted label, and alerts raised; minute = floor(ms / 60000).
    sql: `
      CREATE TABLE compliance_minutes (
        camera_id  TEXT NOT NULL,
        minute     INTEGER NOT NULL,
        mask       INTEGER NOT NULL DEFAULT 0 CHECK (mask >= 0),
        no_mask    INTEGER NOT NULL DEFAULT 0 CHECK (no_mask >= 0),
        incorrect  INTEGER NOT NULL DEFAULT 0 CHECK (incorrect >= 0),
        alerts     INTEGER NOT NULL DEFAULT 0 CHECK (alerts >= 0),
        PRIMARY KEY (camera_id, minute)
      );
      CREATE INDEX compliance_minutes_minute ON compliance_minutes (minute);
    `,
  },
  // 6..8: access control (users and sessions, audit log, camera publish tokens and settings).
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
  {
    version: 9,
    name: 'camera_analysis_stream',
    sql: `
      -- An RTSP camera's second, smaller stream (an IP camera's substream): the inference node decodes it instead of
      -- the main stream, which viewers watch. RTSP cameras only.
      ALTER TABLE cameras ADD COLUMN analysis_rtsp_url TEXT CHECK (analysis_rtsp_url IS NULL OR kind = 'rtsp');
    `,
  },
];

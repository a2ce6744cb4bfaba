import type { Database } from './Database.ts';

/** Stored per-camera overrides; null fields take the server's defaults. */
export type StoredAlertSettings = {
  cameraId: string;
  cooldownSeconds: number | null;
  reminderSeconds: number | null;
  maxReminders: number | null;
  consoleSpeaks: boolean;
};

type Row = {
  camera_id: string;
  cooldown_s: number | null;
  reminder_s: number | null;
  max_reminders: number | null;
  console_speaks: number;
};

function toSettings(row: Row): StoredAlertSettings {
  return {
    cameraId: row.camera_id,
    cooldownSeconds: row.cooldown_s,
    reminderSeconds: row.reminder_s,
    maxReminders: row.max_reminders,
    consoleSpeaks: row.console_speaks === 1,
  };
}

/** `alert_settings`: one row per camera that has its own; removed with the camera (foreign key). */
export class AlertSettingsRepository {
  readonly #db: Database;

  constructor(db: Database) {
    this.#db = db;
  }

  get(cameraId: string): StoredAlertSettings | undefined {
    const row = this.#db.handle.prepare<[string], Row>('SELECT * FROM alert_settings WHERE camera_id = ?').get(cameraId);
    return row ? toSettings(row) : undefined;
  }

  list(): StoredAlertSettings[] {
    return this.#db.handle.prepare<[], Row>('SELECT * FROM alert_settings ORDER BY camera_id').all().map(toSettings);
  }

  /** Writes the whole row (the caller merged the change into the current one); the camera must exist. */
  put(settings: StoredAlertSettings): StoredAlertSettings {
    this.#db.handle
      .prepare(
        `INSERT INTO alert_settings (camera_id, cooldown_s, reminder_s, max_reminders, console_speaks, updated_at)
         VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (camera_id) DO UPDATE SET cooldown_s = excluded.cooldown_s, reminder_s = excluded.reminder_s,
           max_reminders = excluded.max_reminders, console_speaks = excluded.console_speaks,
           updated_at = excluded.updated_at`,
      )
      .run(
        settings.cameraId,
        settings.cooldownSeconds,
        settings.reminderSeconds,
        settings.maxReminders,
        settings.consoleSpeaks ? 1 : 0,
        new Date().toISOString(),
      );
    return settings;
  }
}

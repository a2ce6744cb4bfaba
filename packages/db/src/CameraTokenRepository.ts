import type { Database } from './Database.ts';

export type CameraTokenRecord = { cameraId: string; createdAt: string; createdBy: string | null };

type TokenRow = { camera_id: string; token_hash: string; created_at: string; created_by: string | null };

/** Camera publish tokens: one per camera, stored as a SHA-256; removed with the camera. */
export class CameraTokenRepository {
  readonly #db: Database;

  constructor(db: Database) {
    this.#db = db;
  }

  /** Sets (or replaces) the camera's token. */
  set(cameraId: string, tokenHash: string, createdBy: string | null): CameraTokenRecord {
    const createdAt = new Date().toISOString();
    this.#db.handle
      .prepare(
        `INSERT INTO camera_tokens (camera_id, token_hash, created_at, created_by) VALUES (?, ?, ?, ?)
         ON CONFLICT (camera_id) DO UPDATE SET token_hash = excluded.token_hash, created_at = excluded.created_at,
           created_by = excluded.created_by`,
      )
      .run(cameraId, tokenHash, createdAt, createdBy);
    return { cameraId, createdAt, createdBy };
  }

  cameraIdFor(tokenHash: string): string | undefined {
    return this.#db.handle
      .prepare<[string], { camera_id: string }>('SELECT camera_id FROM camera_tokens WHERE token_hash = ?')
      .get(tokenHash)?.camera_id;
  }

  list(): CameraTokenRecord[] {
    return this.#db.handle
      .prepare<[], TokenRow>('SELECT * FROM camera_tokens ORDER BY created_at')
      .all()
      .map((row) => ({ cameraId: row.camera_id, createdAt: row.created_at, createdBy: row.created_by }));
  }

  /** Returns whether the camera had a token. */
  remove(cameraId: string): boolean {
    return this.#db.handle.prepare('DELETE FROM camera_tokens WHERE camera_id = ?').run(cameraId).changes > 0;
  }
}

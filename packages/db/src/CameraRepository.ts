import { randomBytes } from 'node:crypto';
import type { Camera, CameraKind } from '@maskwatch/protocol/camera';
import type { Database } from './Database.ts';
import { DbError } from './DbError.ts';

type CameraRow = {
  id: string;
  name: string;
  kind: CameraKind;
  rtsp_url: string | null;
  analysis_rtsp_url: string | null;
  enabled: number;
  analysis_enabled: number;
  created_at: string;
  updated_at: string;
};

export type NewCamera = {
  name: string;
  kind: CameraKind;
  rtspUrl?: string | null;
  /** RTSP cameras: a smaller stream for the analysis (an IP camera's substream). */
  analysisRtspUrl?: string | null;
  enabled?: boolean;
  analysisEnabled?: boolean;
  id?: string;
};
export type CameraChanges = Partial<Pick<Camera, 'name' | 'enabled' | 'analysisEnabled' | 'rtspUrl' | 'analysisRtspUrl'>>;

function toCamera(row: CameraRow): Camera {
  return {
    id: row.id,
    name: row.name,
    kind: row.kind,
    rtspUrl: row.rtsp_url,
    analysisRtspUrl: row.analysis_rtsp_url,
    enabled: row.enabled === 1,
    analysisEnabled: row.analysis_enabled === 1,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

function isUniqueViolation(error: unknown): boolean {
  return error instanceof Error && 'code' in error && String(error.code).startsWith('SQLITE_CONSTRAINT_UNIQUE');
}

/** Cameras table. Ids are generated here (`cam_` + 12 hex digits); timestamps are ISO strings. */
export class CameraRepository {
  readonly #db: Database;

  constructor(db: Database) {
    this.#db = db;
  }

  list(): Camera[] {
    return this.#db.handle
      .prepare<[], CameraRow>('SELECT * FROM cameras ORDER BY created_at, rowid')
      .all()
      .map(toCamera);
  }

  get(id: string): Camera | undefined {
    const row = this.#db.handle.prepare<[string], CameraRow>('SELECT * FROM cameras WHERE id = ?').get(id);
    return row ? toCamera(row) : undefined;
  }

  getByName(name: string): Camera | undefined {
    const row = this.#db.handle.prepare<[string], CameraRow>('SELECT * FROM cameras WHERE name = ?').get(name);
    return row ? toCamera(row) : undefined;
  }

  create(input: NewCamera): Camera {
    const now = new Date().toISOString();
    const id = input.id ?? `cam_${randomBytes(6).toString('hex')}`;
    const rtspUrl = input.kind === 'rtsp' ? (input.rtspUrl ?? null) : null;
    if (input.kind === 'rtsp' && !rtspUrl) throw new DbError('invalid', 'an rtsp camera needs an rtspUrl');
    if (input.kind !== 'rtsp' && input.analysisRtspUrl) throw new DbError('invalid', 'only rtsp cameras have an analysis stream');
    try {
      this.#db.handle
        .prepare(
          `INSERT INTO cameras (id, name, kind, rtsp_url, analysis_rtsp_url, enabled, analysis_enabled, created_at, updated_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(
          id,
          input.name,
          input.kind,
          rtspUrl,
          input.analysisRtspUrl ?? null,
          input.enabled === false ? 0 : 1,
          input.analysisEnabled === false ? 0 : 1,
          now,
          now,
        );
    } catch (error) {
      if (isUniqueViolation(error)) throw new DbError('conflict', `a camera named "${input.name}" already exists`);
      throw error;
    }
    const created = this.get(id);
    if (!created) throw new DbError('not_found', `camera ${id} vanished after insert`);
    return created;
  }

  update(id: string, changes: CameraChanges): Camera {
    const current = this.get(id);
    if (!current) throw new DbError('not_found', `no camera ${id}`);
    if (changes.rtspUrl !== undefined && current.kind !== 'rtsp') {
      throw new DbError('invalid', 'only rtsp cameras have an rtspUrl');
    }
    if (changes.analysisRtspUrl && current.kind !== 'rtsp') {
      throw new DbError('invalid', 'only rtsp cameras have an analysis stream');
    }
    const next = { ...current, ...changes, updatedAt: new Date().toISOString() };
    try {
      this.#db.handle
        .prepare(
          'UPDATE cameras SET name = ?, rtsp_url = ?, analysis_rtsp_url = ?, enabled = ?, analysis_enabled = ?, updated_at = ? WHERE id = ?',
        )
        .run(next.name, next.rtspUrl, next.analysisRtspUrl ?? null, next.enabled ? 1 : 0, next.analysisEnabled ? 1 : 0, next.updatedAt, id);
    } catch (error) {
      if (isUniqueViolation(error)) throw new DbError('conflict', `a camera named "${next.name}" already exists`);
      throw error;
    }
    return next;
  }

  /** Returns whether a row was removed. */
  remove(id: string): boolean {
    return this.#db.handle.prepare('DELETE FROM cameras WHERE id = ?').run(id).changes > 0;
  }
}

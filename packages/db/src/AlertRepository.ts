import type { Alert, AlertLabel } from '@maskwatch/protocol/alerts';
import type { Box } from '@maskwatch/protocol/faces';
import type { Database } from './Database.ts';
import { DbError } from './DbError.ts';

type AlertRow = {
  id: string;
  camera_id: string;
  camera_name: string;
  track_id: number;
  label: AlertLabel;
  confidence: number;
  first_seen_at: number;
  raised_at: number;
  resolved_at: number | null;
  ended_at: number | null;
  reminders: number;
  last_reminded_at: number | null;
  ack_by: string | null;
  ack_at: number | null;
  ack_note: string | null;
  model_name: string;
  model_sha256: string;
  node_id: string | null;
  frame_seq: number | null;
  frame_ts: number;
  latency_ms: number;
  box: string;
  frame_width: number;
  frame_height: number;
  snapshot_file: string | null;
  thumbnail_file: string | null;
  snapshot_width: number | null;
  snapshot_height: number | null;
  snapshot_bytes: number;
};

/** Snapshot files of an alert, relative to the snapshot folder (written by the snapshot store, never by a request). */
export type SnapshotFiles = { snapshot: string; thumbnail: string; width: number; height: number; bytes: number };

export type NewAlert = Omit<Alert, 'resolvedAt' | 'endedAt' | 'reminders' | 'lastRemindedAt' | 'acknowledged' | 'snapshot'> & {
  frameSeq: number | null;
  frameTs: number;
  files: SnapshotFiles | null;
};

export type AlertFilter = {
  cameraId?: string | undefined;
  label?: AlertLabel | undefined;
  from?: number | undefined;
  to?: number | undefined;
  acknowledged?: boolean | undefined;
};

export type AlertPage = { alerts: Alert[]; next: string | null };

/** An alert row that retention removed, with the files its caller deletes next. */
export type RemovedAlert = { id: string; files: string[] };

function toAlert(row: AlertRow): Alert {
  return {
    id: row.id,
    cameraId: row.camera_id,
    cameraName: row.camera_name,
    trackId: row.track_id,
    label: row.label,
    confidence: row.confidence,
    firstSeenAt: row.first_seen_at,
    raisedAt: row.raised_at,
    resolvedAt: row.resolved_at,
    endedAt: row.ended_at,
    reminders: row.reminders,
    lastRemindedAt: row.last_reminded_at,
    acknowledged:
      row.ack_by !== null && row.ack_at !== null ? { by: row.ack_by, at: row.ack_at, note: row.ack_note ?? '' } : null,
    model: { name: row.model_name, sha256: row.model_sha256 },
    nodeId: row.node_id,
    latencyMs: row.latency_ms,
    box: JSON.parse(row.box) as Box,
    frame: { width: row.frame_width, height: row.frame_height },
    snapshot:
      row.snapshot_file !== null && row.snapshot_width !== null && row.snapshot_height !== null
        ? { width: row.snapshot_width, height: row.snapshot_height, bytes: row.snapshot_bytes }
        : null,
  };
}

function filesOf(row: Pick<AlertRow, 'snapshot_file' | 'thumbnail_file'>): string[] {
  return [row.snapshot_file, row.thumbnail_file].filter((file): file is string => file !== null);
}

/** Opaque page cursor: the sort key (raised_at, id) of the last alert of a page. */
export function encodeCursor(alert: Pick<Alert, 'raisedAt' | 'id'>): string {
  return Buffer.from(JSON.stringify([alert.raisedAt, alert.id])).toString('base64url');
}

function decodeCursor(cursor: string): [number, string] {
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (
      Array.isArray(value) &&
      value.length === 2 &&
      Number.isInteger(value[0]) &&
      typeof value[1] === 'string' &&
      /^al_[0-9a-f]{16}$/.test(value[1])
    ) {
      return [value[0] as number, value[1]];
    }
  } catch {
    // falls through
  }
  throw new DbError('invalid', 'cursor: is not a cursor from this API');
}

export const MINUTE_MS = 60_000;

/**
 * The alerts table: one row per alert, with its snapshot file names. Newest first; pages by (raised_at, id).
 * Inserting an alert also counts it in `compliance_minutes`, in the same transaction.
 */
export class AlertRepository {
  readonly #db: Database;

  constructor(db: Database) {
    this.#db = db;
  }

  insert(input: NewAlert): Alert {
    const h = this.#db.handle;
    h.transaction(() => {
      h.prepare(
        `INSERT INTO alerts (id, camera_id, camera_name, track_id, label, confidence, first_seen_at, raised_at,
           model_name, model_sha256, node_id, frame_seq, frame_ts, latency_ms, box, frame_width, frame_height,
           snapshot_file, thumbnail_file, snapshot_width, snapshot_height, snapshot_bytes)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ).run(
        input.id,
        input.cameraId,
        input.cameraName,
        input.trackId,
        input.label,
        input.confidence,
        Math.round(input.firstSeenAt),
        Math.round(input.raisedAt),
        input.model.name,
        input.model.sha256,
        input.nodeId,
        input.frameSeq,
        Math.round(input.frameTs),
        input.latencyMs,
        JSON.stringify(input.box),
        input.frame.width,
        input.frame.height,
        input.files?.snapshot ?? null,
        input.files?.thumbnail ?? null,
        input.files?.width ?? null,
        input.files?.height ?? null,
        input.files?.bytes ?? 0,
      );
      h.prepare(
        `INSERT INTO compliance_minutes (camera_id, minute, alerts) VALUES (?, ?, 1)
         ON CONFLICT (camera_id, minute) DO UPDATE SET alerts = alerts + 1`,
      ).run(input.cameraId, Math.floor(input.raisedAt / MINUTE_MS));
    })();
    return this.#require(input.id);
  }

  get(id: string): Alert | undefined {
    const row = this.#row(id);
    return row ? toAlert(row) : undefined;
  }

  /** The snapshot and thumbnail file names of an alert (relative to the snapshot folder), if it has them. */
  files(id: string): { snapshot: string; thumbnail: string } | undefined {
    const row = this.#row(id);
    if (!row || row.snapshot_file === null || row.thumbnail_file === null) return undefined;
    return { snapshot: row.snapshot_file, thumbnail: row.thumbnail_file };
  }

  /** A page of alerts matching `filter`, newest first; `next` continues after its last one (null at the end). */
  list(filter: AlertFilter, limit: number, cursor?: string): AlertPage {
    const where: string[] = [];
    const args: (string | number)[] = [];
    if (filter.cameraId !== undefined) {
      where.push('camera_id = ?');
      args.push(filter.cameraId);
    }
    if (filter.label !== undefined) {
      where.push('label = ?');
      args.push(filter.label);
    }
    if (filter.from !== undefined) {
      where.push('raised_at >= ?');
      args.push(filter.from);
    }
    if (filter.to !== undefined) {
      where.push('raised_at < ?');
      args.push(filter.to);
    }
    if (filter.acknowledged !== undefined) where.push(filter.acknowledged ? 'ack_at IS NOT NULL' : 'ack_at IS NULL');
    if (cursor !== undefined) {
      const [raisedAt, id] = decodeCursor(cursor);
      where.push('(raised_at < ? OR (raised_at = ? AND id < ?))');
      args.push(raisedAt, raisedAt, id);
    }
    const sql = `SELECT * FROM alerts ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
                 ORDER BY raised_at DESC, id DESC LIMIT ?`;
    const rows = this.#db.handle.prepare<(string | number)[], AlertRow>(sql).all(...args, limit + 1);
    const alerts = rows.slice(0, limit).map(toAlert);
    const last = alerts.at(-1);
    return { alerts, next: rows.length > limit && last ? encodeCursor(last) : null };
  }

  /** The person was told again. */
  remind(id: string, at: number): Alert {
    return this.#update(id, 'reminders = reminders + 1, last_reminded_at = ?', [Math.round(at)]);
  }

  /**
   * The same person is non-compliant again (the mask came off, or they came back): open again, and told again (a
   * reminder) when `told`.
   */
  reopen(id: string, at: number, told: boolean = true): Alert {
    if (!told) return this.#update(id, 'resolved_at = NULL, ended_at = NULL', []);
    return this.#update(
      id,
      'resolved_at = NULL, ended_at = NULL, reminders = reminders + 1, last_reminded_at = ?',
      [Math.round(at)],
    );
  }

  resolve(id: string, at: number): Alert {
    return this.#update(id, 'resolved_at = ?, ended_at = NULL', [Math.round(at)]);
  }

  end(id: string, at: number): Alert {
    return this.#update(id, 'ended_at = ?', [Math.round(at)]);
  }

  /**
   * Acknowledges every id (all must exist, or nothing changes: `not_found`). Ids acknowledged before keep their
   * acknowledgement and are returned in `already`.
   */
  acknowledge(ids: string[], by: string, note: string, at: number): { alerts: Alert[]; already: string[] } {
    const h = this.#db.handle;
    const unique = [...new Set(ids)];
    return h.transaction(() => {
      const rows = unique.map((id) => this.#row(id));
      const missing = unique.filter((_, i) => rows[i] === undefined);
      if (missing.length > 0) throw new DbError('not_found', `no alert ${missing.slice(0, 5).join(', ')}`);
      const already = rows.filter((row) => row !== undefined && row.ack_at !== null).map((row) => row!.id);
      const stmt = h.prepare('UPDATE alerts SET ack_by = ?, ack_at = ?, ack_note = ? WHERE id = ? AND ack_at IS NULL');
      for (const id of unique) stmt.run(by, Math.round(at), note, id);
      return { alerts: unique.map((id) => this.#require(id)), already };
    })();
  }

  /** Sum of the stored snapshot sizes. */
  snapshotBytes(): number {
    return (
      this.#db.handle.prepare<[], { n: number | null }>('SELECT sum(snapshot_bytes) AS n FROM alerts').get()?.n ?? 0
    );
  }

  /** Every file name the rows point to. */
  allFiles(): Set<string> {
    const rows = this.#db.handle
      .prepare<[], Pick<AlertRow, 'snapshot_file' | 'thumbnail_file'>>(
        'SELECT snapshot_file, thumbnail_file FROM alerts WHERE snapshot_file IS NOT NULL',
      )
      .all();
    return new Set(rows.flatMap(filesOf));
  }

  /** Rows with a snapshot, with their file names (for the check that every file is there). */
  withFiles(): { id: string; files: string[] }[] {
    return this.#db.handle
      .prepare<[], Pick<AlertRow, 'id' | 'snapshot_file' | 'thumbnail_file'>>(
        'SELECT id, snapshot_file, thumbnail_file FROM alerts WHERE snapshot_file IS NOT NULL',
      )
      .all()
      .map((row) => ({ id: row.id, files: filesOf(row) }));
  }

  /**
   * Gives an alert stored without a snapshot the one that came late; undefined (nothing changed) when the alert is
   * gone (retention) or has one already.
   */
  attachSnapshot(id: string, files: SnapshotFiles): Alert | undefined {
    const changes = this.#db.handle
      .prepare(
        `UPDATE alerts SET snapshot_file = ?, thumbnail_file = ?, snapshot_width = ?, snapshot_height = ?,
           snapshot_bytes = ? WHERE id = ? AND snapshot_file IS NULL`,
      )
      .run(files.snapshot, files.thumbnail, files.width, files.height, files.bytes, id).changes;
    return changes === 0 ? undefined : this.#require(id);
  }

  /** Drops the snapshot of a row whose file went missing (so that no row points to a missing file). */
  clearSnapshot(id: string): void {
    this.#db.handle
      .prepare(
        `UPDATE alerts SET snapshot_file = NULL, thumbnail_file = NULL, snapshot_width = NULL, snapshot_height = NULL,
           snapshot_bytes = 0 WHERE id = ?`,
      )
      .run(id);
  }

  /**
   * Retention: deletes the alerts raised before `before`, then the oldest ones until the snapshots take at most
   * `maxBytes`. Returns what was deleted with its files (the caller deletes those after this commits).
   */
  prune(before: number, maxBytes: number): RemovedAlert[] {
    const h = this.#db.handle;
    return h.transaction(() => {
      const removed: RemovedAlert[] = [];
      const del = h.prepare('DELETE FROM alerts WHERE id = ?');
      const old = h
        .prepare<[number], AlertRow>('SELECT * FROM alerts WHERE raised_at < ? ORDER BY raised_at, id')
        .all(before);
      for (const row of old) {
        del.run(row.id);
        removed.push({ id: row.id, files: filesOf(row) });
      }
      let total = this.snapshotBytes();
      if (total > maxBytes) {
        const oldest = h.prepare<[], AlertRow>(
          'SELECT * FROM alerts WHERE snapshot_bytes > 0 ORDER BY raised_at, id',
        );
        for (const row of oldest.iterate()) {
          if (total <= maxBytes) break;
          removed.push({ id: row.id, files: filesOf(row) });
          total -= row.snapshot_bytes;
        }
        for (const entry of removed.slice(old.length)) del.run(entry.id);
      }
      return removed;
    })();
  }

  #row(id: string): AlertRow | undefined {
    return this.#db.handle.prepare<[string], AlertRow>('SELECT * FROM alerts WHERE id = ?').get(id);
  }

  #require(id: string): Alert {
    const alert = this.get(id);
    if (!alert) throw new DbError('not_found', `no alert ${id}`);
    return alert;
  }

  #update(id: string, set: string, args: (string | number | null)[]): Alert {
    const changes = this.#db.handle.prepare(`UPDATE alerts SET ${set} WHERE id = ?`).run(...args, id).changes;
    if (changes === 0) throw new DbError('not_found', `no alert ${id}`);
    return this.#require(id);
  }
}

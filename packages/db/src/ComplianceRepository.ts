import type { CompliancePoint } from '@maskwatch/protocol/alerts';
import type { Database } from './Database.ts';
import { MINUTE_MS } from './AlertRepository.ts';

/** People seen in one camera-minute, by voted label (alerts are counted by AlertRepository.insert). */
export type MinuteCounts = { cameraId: string; minute: number; mask: number; noMask: number; incorrect: number };

type PointRow = { camera_id: string; bucket: number; mask: number; no_mask: number; incorrect: number; alerts: number };

/** `compliance_minutes`: per camera and minute (floor(ms / 60000)), never per frame. */
export class ComplianceRepository {
  readonly #db: Database;

  constructor(db: Database) {
    this.#db = db;
  }

  /** Adds the counts of finished (or partly flushed) minutes, in one transaction. */
  add(counts: MinuteCounts[]): void {
    if (counts.length === 0) return;
    const h = this.#db.handle;
    const stmt = h.prepare(
      `INSERT INTO compliance_minutes (camera_id, minute, mask, no_mask, incorrect) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (camera_id, minute) DO UPDATE SET
         mask = mask + excluded.mask, no_mask = no_mask + excluded.no_mask, incorrect = incorrect + excluded.incorrect`,
    );
    h.transaction(() => {
      for (const c of counts) stmt.run(c.cameraId, c.minute, c.mask, c.noMask, c.incorrect);
    })();
  }

  /** Sums per camera over buckets of `bucketMinutes`, aligned to the epoch, for minutes in [from, to). */
  series(
    from: number,
    to: number,
    bucketMinutes: number,
    cameraId?: string,
  ): { cameraId: string; points: CompliancePoint[] }[] {
    const args: (string | number)[] = [bucketMinutes, Math.floor(from / MINUTE_MS), Math.ceil(to / MINUTE_MS)];
    if (cameraId !== undefined) args.push(cameraId);
    const rows = this.#db.handle
      .prepare<(string | number)[], PointRow>(
        `SELECT camera_id, (minute / CAST(? AS INTEGER)) AS bucket, sum(mask) AS mask, sum(no_mask) AS no_mask,
                sum(incorrect) AS incorrect, sum(alerts) AS alerts
         FROM compliance_minutes WHERE minute >= ? AND minute < ? ${cameraId !== undefined ? 'AND camera_id = ?' : ''}
         GROUP BY camera_id, bucket ORDER BY camera_id, bucket`,
      )
      .all(...args);
    const byCamera = new Map<string, CompliancePoint[]>();
    for (const row of rows) {
      let points = byCamera.get(row.camera_id);
      if (!points) byCamera.set(row.camera_id, (points = []));
      points.push({
        t: row.bucket * bucketMinutes * MINUTE_MS,
        mask: row.mask,
        noMask: row.no_mask,
        incorrect: row.incorrect,
        alerts: row.alerts,
      });
    }
    return [...byCamera].map(([id, points]) => ({ cameraId: id, points }));
  }

  /** Deletes minutes before `before` (ms); returns how many. */
  prune(before: number): number {
    return this.#db.handle
      .prepare('DELETE FROM compliance_minutes WHERE minute < ?')
      .run(Math.floor(before / MINUTE_MS)).changes;
  }
}

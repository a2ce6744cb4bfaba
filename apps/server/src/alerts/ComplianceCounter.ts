import type { MinuteCounts } from '@maskwatch/db/ComplianceRepository';
import type { MaskLabel } from '@maskwatch/protocol/faces';

const MINUTE_MS = 60_000;

/**
 * Counts the people (tracks) one camera saw per minute, by their voted label (the last one decided in that
 * minute), so that the database gets one row per camera-minute and never one per frame. Pure: results in,
 * finished minutes out.
 */
export class ComplianceCounter {
  readonly #cameraId: string;
  /** minute -> trackId -> last decided label in that minute */
  readonly #minutes = new Map<number, Map<number, MaskLabel>>();

  constructor(cameraId: string) {
    this.#cameraId = cameraId;
  }

  observe(ts: number, faces: readonly { trackId?: number | undefined; trackLabel?: MaskLabel | null | undefined }[]): void {
    const minute = Math.floor(ts / MINUTE_MS);
    let tracks = this.#minutes.get(minute);
    for (const face of faces) {
      if (face.trackId === undefined || face.trackLabel === null || face.trackLabel === undefined) continue;
      if (!tracks) this.#minutes.set(minute, (tracks = new Map()));
      tracks.set(face.trackId, face.trackLabel);
    }
  }

  /** The minutes that ended before `now` (all of them with `all`), removed from memory. */
  take(now: number, all = false): MinuteCounts[] {
    const current = Math.floor(now / MINUTE_MS);
    const out: MinuteCounts[] = [];
    for (const [minute, tracks] of [...this.#minutes].sort((a, b) => a[0] - b[0])) {
      if (!all && minute >= current) continue;
      this.#minutes.delete(minute);
      const counts: MinuteCounts = { cameraId: this.#cameraId, minute, mask: 0, noMask: 0, incorrect: 0 };
      for (const label of tracks.values()) {
        if (label === 'mask') counts.mask++;
        else if (label === 'no_mask') counts.noMask++;
        else counts.incorrect++;
      }
      out.push(counts);
    }
    return out;
  }
}

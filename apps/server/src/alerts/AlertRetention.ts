import type { AlertRepository } from '@maskwatch/db/AlertRepository';
import type { ComplianceRepository } from '@maskwatch/db/ComplianceRepository';
import { createLogger } from '../logger.ts';
import type { SnapshotStore } from './SnapshotStore.ts';

const log = createLogger('AlertRetention');
const DAY_MS = 24 * 3600 * 1000;

export type RetentionSettings = {
  /** Alerts (rows and snapshots) older than this are deleted. */
  days: number;
  /** Snapshots beyond this many bytes are deleted with their rows, oldest first. */
  maxBytes: number;
  /** Compliance minutes are kept this long (they are small; the chart wants history). */
  complianceDays: number;
};

export type RetentionReport = { removed: number; orphanFiles: number; missingFiles: number; complianceMinutes: number };

/**
 * Deletes old alerts and their snapshots together: rows first (one transaction), then their files; then checks
 * both ways, so that no row points to a missing file (its snapshot is dropped from the row) and no file outlives
 * its row (deleted). Run at start (after a crash) and periodically.
 */
export class AlertRetention {
  readonly #repo: AlertRepository;
  readonly #compliance: ComplianceRepository;
  readonly #store: SnapshotStore;
  readonly #settings: RetentionSettings;
  #running: Promise<RetentionReport> | undefined;

  constructor(repo: AlertRepository, compliance: ComplianceRepository, store: SnapshotStore, settings: RetentionSettings) {
    this.#repo = repo;
    this.#compliance = compliance;
    this.#store = store;
    this.#settings = settings;
  }

  /** One pass; concurrent calls share it. */
  run(now: number = Date.now()): Promise<RetentionReport> {
    this.#running ??= this.#run(now).finally(() => {
      this.#running = undefined;
    });
    return this.#running;
  }

  async #run(now: number): Promise<RetentionReport> {
    const removed = this.#repo.prune(now - this.#settings.days * DAY_MS, this.#settings.maxBytes);
    await this.#store.remove(removed.flatMap((entry) => entry.files));
    const complianceMinutes = this.#compliance.prune(now - this.#settings.complianceDays * DAY_MS);
    await this.#store.removeTemporary();
    const orphans = await this.#store.orphans(this.#repo.allFiles());
    await this.#store.remove(orphans);
    let missingFiles = 0;
    for (const { id, files } of this.#repo.withFiles()) {
      const present = await Promise.all(files.map((file) => this.#store.exists(file)));
      if (present.every(Boolean)) continue;
      missingFiles++;
      this.#repo.clearSnapshot(id);
      await this.#store.remove(files);
    }
    const report = { removed: removed.length, orphanFiles: orphans.length, missingFiles, complianceMinutes };
    if (report.removed || report.orphanFiles || report.missingFiles) log.info(report, 'retention');
    return report;
  }
}

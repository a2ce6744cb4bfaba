import { mkdtempSync, rmSync, unlinkSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { AlertRepository, type NewAlert } from '@maskwatch/db/AlertRepository';
import { ComplianceRepository } from '@maskwatch/db/ComplianceRepository';
import { Database } from '@maskwatch/db/Database';
import { AlertRetention } from './AlertRetention.ts';
import { SnapshotStore } from './SnapshotStore.ts';

const DAY = 24 * 3600 * 1000;
const NOW = Date.UTC(2026, 10, 28, 12, 0, 0);

describe('AlertRetention with a real SQLite file and real files', () => {
  let dir: string;
  let db: Database;
  let repo: AlertRepository;
  let store: SnapshotStore;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'maskwatch-retention-'));
    db = new Database({ path: join(dir, 'm.db') });
    repo = new AlertRepository(db);
    store = new SnapshotStore(join(dir, 'alerts'));
  });
  afterEach(() => {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** Stores an alert the way the service does: files first, then the row. */
  async function stored(n: number, raisedAt: number, bytes = 500): Promise<string> {
    const id = `al_${n.toString(16).padStart(16, '0')}`;
    const files = await store.write(id, raisedAt, {
      jpeg: new Uint8Array(bytes - 100).fill(n),
      thumbnail: new Uint8Array(100).fill(n),
      width: 640,
      height: 360,
    });
    const alert: NewAlert = {
      id,
      cameraId: 'cam_a',
      cameraName: 'Door',
      trackId: n,
      label: 'no_mask',
      confidence: 0.9,
      firstSeenAt: raisedAt - 1000,
      raisedAt,
      model: { name: 'm', sha256: 'a'.repeat(64) },
      nodeId: null,
      latencyMs: 100,
      box: [0, 0, 10, 10],
      frame: { width: 640, height: 360 },
      frameSeq: n,
      frameTs: raisedAt - 100,
      files,
    };
    repo.insert(alert);
    store.settle([files.snapshot, files.thumbnail]);
    return id;
  }

  /** Every row's files exist and every file has its row. */
  async function consistent(): Promise<void> {
    const known = repo.allFiles();
    const { ours, other } = await store.list();
    assert.deepEqual(new Set(ours), known);
    assert.deepEqual(other, []);
  }

  test('deletes old alerts with their files, then the oldest beyond the size limit', async () => {
    const old = await stored(1, NOW - 40 * DAY);
    const a = await stored(2, NOW - 3 * DAY);
    const b = await stored(3, NOW - 2 * DAY);
    const c = await stored(4, NOW - DAY);
    const retention = new AlertRetention(repo, new ComplianceRepository(db), store, {
      days: 30,
      maxBytes: 1000,
      complianceDays: 400,
    });
    const report = await retention.run(NOW);
    assert.equal(report.removed, 2);
    assert.equal(repo.get(old), undefined);
    assert.equal(repo.get(a), undefined);
    assert.ok(repo.get(b) && repo.get(c));
    assert.equal(repo.snapshotBytes(), 1000);
    await consistent();
  });

  test('after a crash: a file without its row is deleted; a row whose file is gone loses its snapshot, not its alert', async () => {
    const kept = await stored(1, NOW - DAY);
    const lost = await stored(2, NOW - DAY);
    // A crash between writing the file and inserting the row, and another mid-write.
    const day = new Date(NOW - DAY).toISOString().slice(0, 10);
    writeFileSync(join(store.dir, day, 'al_00000000000000ff.jpg'), 'x');
    writeFileSync(join(store.dir, day, 'al_00000000000000fe.jpg.tmp'), 'x');
    // Someone deleted a snapshot by hand.
    unlinkSync(store.path(repo.files(lost)!.snapshot));
    const report = await new AlertRetention(repo, new ComplianceRepository(db), store, {
      days: 30,
      maxBytes: 1e9,
      complianceDays: 400,
    }).run(NOW);
    assert.deepEqual(
      { orphanFiles: report.orphanFiles, missingFiles: report.missingFiles },
      { orphanFiles: 1, missingFiles: 1 },
    );
    assert.equal(existsSync(join(store.dir, day, 'al_00000000000000ff.jpg')), false);
    assert.ok(repo.get(lost), 'the alert itself is kept');
    assert.equal(repo.get(lost)?.snapshot, null);
    assert.ok(repo.get(kept)?.snapshot);
    await consistent();
  });

  test('a file being written is not an orphan; names outside the store are refused', async () => {
    const pending = store.write('al_0000000000000abc', NOW, {
      jpeg: new Uint8Array(10),
      thumbnail: new Uint8Array(10),
      width: 1,
      height: 1,
    });
    const files = await pending;
    assert.deepEqual(await store.orphans(new Set()), []);
    store.settle([files.snapshot, files.thumbnail]);
    assert.equal((await store.orphans(new Set())).length, 2);
    for (const bad of ['../m.db', '2026-11-28/../../m.db', '/etc/passwd', '2026-11-28/al_0000000000000abc.png']) {
      assert.throws(() => store.path(bad), /not one of the store/);
    }
  });
});

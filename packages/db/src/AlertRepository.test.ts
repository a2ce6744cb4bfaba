import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { AlertRepository, type NewAlert } from './AlertRepository.ts';
import { ComplianceRepository } from './ComplianceRepository.ts';
import { Database } from './Database.ts';
import { DbError } from './DbError.ts';

const T0 = Date.UTC(2026, 10, 28, 9, 0, 0);

function newAlert(n: number, over: Partial<NewAlert> = {}): NewAlert {
  return {
    id: `al_${n.toString(16).padStart(16, '0')}`,
    cameraId: 'cam_a',
    cameraName: 'Door',
    trackId: n,
    label: 'no_mask',
    confidence: 0.9,
    firstSeenAt: T0 + n * 1000 - 1200,
    raisedAt: T0 + n * 1000,
    model: { name: 'cnn-fp32', sha256: 'e'.repeat(64) },
    nodeId: 'node-1',
    latencyMs: 120,
    box: [10, 20, 110, 140],
    frame: { width: 640, height: 360 },
    frameSeq: n,
    frameTs: T0 + n * 1000 - 120,
    files: { snapshot: `s${n}.jpg`, thumbnail: `t${n}.jpg`, width: 640, height: 360, bytes: 1000 },
    ...over,
  };
}

describe('AlertRepository', () => {
  let dir: string;
  let db: Database;
  let repo: AlertRepository;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'maskwatch-alerts-db-'));
    db = new Database({ path: join(dir, 'a.db') });
    repo = new AlertRepository(db);
  });
  afterEach(() => {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('a late snapshot is attached to an alert stored without one, never over one, nor to a missing alert', () => {
    const bare = repo.insert(newAlert(1, { files: null }));
    assert.equal(bare.snapshot, null);
    const files = { snapshot: 'late1.jpg', thumbnail: 'late1.thumb.jpg', width: 960, height: 506, bytes: 4321 };
    const updated = repo.attachSnapshot(bare.id, files);
    assert.deepEqual(updated?.snapshot, { width: 960, height: 506, bytes: 4321 });
    assert.deepEqual(repo.files(bare.id), { snapshot: 'late1.jpg', thumbnail: 'late1.thumb.jpg' });
    assert.equal(repo.snapshotBytes(), 4321);
    // Once it has one, another is refused (the first stays); an unknown id changes nothing.
    assert.equal(repo.attachSnapshot(bare.id, { ...files, snapshot: 'other.jpg' }), undefined);
    assert.deepEqual(repo.files(bare.id), { snapshot: 'late1.jpg', thumbnail: 'late1.thumb.jpg' });
    assert.equal(repo.attachSnapshot('al_ffffffffffffffff', files), undefined);
  });

  test('insert and read back every field; the alert is counted in its minute', () => {
    const alert = repo.insert(newAlert(1));
    assert.deepEqual(repo.get(alert.id), alert);
    assert.equal(alert.label, 'no_mask');
    assert.deepEqual(alert.box, [10, 20, 110, 140]);
    assert.deepEqual(alert.snapshot, { width: 640, height: 360, bytes: 1000 });
    assert.equal(alert.acknowledged, null);
    assert.deepEqual(repo.files(alert.id), { snapshot: 's1.jpg', thumbnail: 't1.jpg' });
    const series = new ComplianceRepository(db).series(T0, T0 + 3600_000, 60);
    assert.deepEqual(series, [{ cameraId: 'cam_a', points: [{ t: T0, mask: 0, noMask: 0, incorrect: 0, alerts: 1 }] }]);
  });

  test('pages newest first with a cursor, and filters combine', () => {
    for (let n = 1; n <= 7; n++) repo.insert(newAlert(n, n % 2 === 0 ? { label: 'incorrect', cameraId: 'cam_b' } : {}));
    const seen: string[] = [];
    let cursor: string | undefined;
    for (;;) {
      const page = repo.list({}, 3, cursor);
      seen.push(...page.alerts.map((a) => a.id));
      if (!page.next) break;
      cursor = page.next;
    }
    assert.deepEqual(seen, [7, 6, 5, 4, 3, 2, 1].map((n) => newAlert(n).id));
    assert.deepEqual(
      repo.list({ label: 'incorrect' }, 50).alerts.map((a) => a.trackId),
      [6, 4, 2],
    );
    assert.deepEqual(
      repo.list({ cameraId: 'cam_a', from: T0 + 2000, to: T0 + 6000 }, 50).alerts.map((a) => a.trackId),
      [5, 3],
    );
    assert.throws(() => repo.list({}, 3, 'bm90LWEtY3Vyc29y'), (e: unknown) => e instanceof DbError && e.code === 'invalid');
  });

  test('acknowledging many is all or nothing; earlier acknowledgements are kept', () => {
    const a = repo.insert(newAlert(1));
    const b = repo.insert(newAlert(2));
    assert.throws(
      () => repo.acknowledge([a.id, 'al_ffffffffffffffff'], 'Ana', 'x', T0),
      (e: unknown) => e instanceof DbError && e.code === 'not_found',
    );
    assert.equal(repo.get(a.id)?.acknowledged, null);
    repo.acknowledge([a.id], 'Ana', 'first', T0 + 1);
    const { alerts, already } = repo.acknowledge([a.id, b.id], 'Bo', 'second', T0 + 2);
    assert.deepEqual(already, [a.id]);
    assert.deepEqual(alerts[0]?.acknowledged, { by: 'Ana', at: T0 + 1, note: 'first' });
    assert.deepEqual(alerts[1]?.acknowledged, { by: 'Bo', at: T0 + 2, note: 'second' });
    assert.deepEqual(repo.list({ acknowledged: false }, 50).alerts, []);
  });

  test('resolve, remind, reopen, end', () => {
    const a = repo.insert(newAlert(1));
    assert.equal(repo.remind(a.id, T0 + 5000).reminders, 1);
    assert.equal(repo.resolve(a.id, T0 + 6000).resolvedAt, T0 + 6000);
    const reopened = repo.reopen(a.id, T0 + 7000);
    assert.equal(reopened.resolvedAt, null);
    assert.equal(reopened.reminders, 2);
    assert.equal(repo.end(a.id, T0 + 8000).endedAt, T0 + 8000);
    assert.throws(() => repo.resolve('al_ffffffffffffffff', 1), DbError);
  });

  test('prune by age, then by size oldest first; returns the files to delete', () => {
    for (let n = 1; n <= 5; n++) repo.insert(newAlert(n));
    repo.insert(newAlert(6, { files: null }));
    const removed = repo.prune(T0 + 2500, 2500);
    // 1 and 2 by age; 3000 bytes left of 3, 4, 5: 3 goes by size.
    assert.deepEqual(
      removed.map((r) => r.id),
      [1, 2, 3].map((n) => newAlert(n).id),
    );
    assert.deepEqual(removed[0]?.files, ['s1.jpg', 't1.jpg']);
    assert.equal(repo.snapshotBytes(), 2000);
    assert.deepEqual([...repo.allFiles()].sort(), ['s4.jpg', 's5.jpg', 't4.jpg', 't5.jpg']);
    repo.clearSnapshot(newAlert(4).id);
    assert.equal(repo.get(newAlert(4).id)?.snapshot, null);
  });

  test('the schema refuses a malformed row', () => {
    assert.throws(() => repo.insert(newAlert(1, { id: 'al_../../etc' })));
    assert.throws(() => repo.insert(newAlert(2, { confidence: 2 })));
  });
});

describe('ComplianceRepository', () => {
  test('adds minutes and sums them into buckets per camera', () => {
    const dir = mkdtempSync(join(tmpdir(), 'maskwatch-compliance-db-'));
    const db = new Database({ path: join(dir, 'c.db') });
    try {
      const repo = new ComplianceRepository(db);
      const m0 = Math.floor(T0 / 60_000);
      repo.add([
        { cameraId: 'cam_a', minute: m0, mask: 2, noMask: 1, incorrect: 0 },
        { cameraId: 'cam_a', minute: m0 + 1, mask: 1, noMask: 0, incorrect: 1 },
        { cameraId: 'cam_b', minute: m0 + 61, mask: 0, noMask: 3, incorrect: 0 },
      ]);
      repo.add([{ cameraId: 'cam_a', minute: m0, mask: 1, noMask: 0, incorrect: 0 }]);
      assert.deepEqual(repo.series(T0, T0 + 2 * 3600_000, 60), [
        { cameraId: 'cam_a', points: [{ t: T0, mask: 4, noMask: 1, incorrect: 1, alerts: 0 }] },
        { cameraId: 'cam_b', points: [{ t: T0 + 3600_000, mask: 0, noMask: 3, incorrect: 0, alerts: 0 }] },
      ]);
      assert.equal(repo.series(T0, T0 + 3600_000, 1, 'cam_a')[0]?.points.length, 2);
      assert.equal(repo.prune(T0 + 60_000), 1);
    } finally {
      db.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

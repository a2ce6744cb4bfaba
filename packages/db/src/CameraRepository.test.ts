import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { CameraRepository } from './CameraRepository.ts';
import { Database } from './Database.ts';
import { DbError } from './DbError.ts';

describe('CameraRepository', () => {
  let dir: string;
  let db: Database;
  let cameras: CameraRepository;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'maskwatch-db-'));
    db = new Database({ path: join(dir, 'test.db') });
    cameras = new CameraRepository(db);
  });
  afterEach(() => {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('create generates ids and timestamps; get/list/getByName find it', () => {
    const a = cameras.create({ name: 'Door', kind: 'browser' });
    const b = cameras.create({ name: 'Gate', kind: 'rtsp', rtspUrl: 'rtsp://10.0.0.2/s', enabled: false });
    assert.match(a.id, /^cam_[0-9a-f]{12}$/);
    assert.notEqual(a.id, b.id);
    assert.equal(a.rtspUrl, null);
    assert.equal(a.enabled, true);
    assert.equal(b.enabled, false);
    assert.ok(!Number.isNaN(Date.parse(a.createdAt)));
    assert.deepEqual(cameras.get(a.id), a);
    assert.deepEqual(cameras.getByName('Gate'), b);
    assert.deepEqual(
      cameras.list().map((c) => c.name),
      ['Door', 'Gate'],
    );
    assert.equal(cameras.get('nope'), undefined);
  });

  test('names are unique (conflict), rtsp cameras need a URL, browser cameras never keep one', () => {
    cameras.create({ name: 'Door', kind: 'browser' });
    assert.throws(
      () => cameras.create({ name: 'Door', kind: 'browser' }),
      (e) => e instanceof DbError && e.code === 'conflict',
    );
    assert.throws(
      () => cameras.create({ name: 'X', kind: 'rtsp' }),
      (e) => e instanceof DbError && e.code === 'invalid',
    );
    assert.equal(cameras.create({ name: 'Y', kind: 'browser', rtspUrl: 'rtsp://h/s' }).rtspUrl, null);
    // The table itself refuses what the repository would never write.
    assert.throws(() => db.handle.prepare(`INSERT INTO cameras (id, name, kind, rtsp_url, enabled, created_at, updated_at) VALUES ('z','Z','ptz',NULL,1,'t','t')`).run(), /CHECK/);
    assert.throws(() => db.handle.prepare(`INSERT INTO cameras (id, name, kind, rtsp_url, enabled, created_at, updated_at) VALUES ('z','Z','rtsp',NULL,1,'t','t')`).run(), /CHECK/);
    assert.equal(cameras.list().length, 2);
  });

  test('update changes only the given fields and bumps updatedAt; remove deletes', async () => {
    const cam = cameras.create({ name: 'Gate', kind: 'rtsp', rtspUrl: 'rtsp://h/a' });
    await new Promise((r) => setTimeout(r, 5));
    const updated = cameras.update(cam.id, { enabled: false, rtspUrl: 'rtsp://h/b' });
    assert.equal(updated.name, 'Gate');
    assert.equal(updated.enabled, false);
    assert.equal(updated.rtspUrl, 'rtsp://h/b');
    assert.equal(updated.analysisEnabled, true);
    assert.ok(updated.updatedAt >= cam.updatedAt);
    assert.deepEqual(cameras.get(cam.id), updated);
    assert.equal(cameras.update(cam.id, { analysisEnabled: false }).analysisEnabled, false);
    assert.equal(cameras.get(cam.id)?.analysisEnabled, false);
    assert.equal(cameras.get(cam.id)?.enabled, false);
    assert.throws(
      () => cameras.update('nope', { name: 'x' }),
      (e) => e instanceof DbError && e.code === 'not_found',
    );
    const door = cameras.create({ name: 'Door', kind: 'browser' });
    assert.throws(
      () => cameras.update(door.id, { name: 'Gate' }),
      (e) => e instanceof DbError && e.code === 'conflict',
    );
    assert.throws(
      () => cameras.update(door.id, { rtspUrl: 'rtsp://h/c' }),
      (e) => e instanceof DbError && e.code === 'invalid',
    );
    assert.equal(cameras.remove(cam.id), true);
    assert.equal(cameras.remove(cam.id), false);
    assert.deepEqual(
      cameras.list().map((c) => c.id),
      [door.id],
    );
  });

  test('data survives closing and reopening the file', () => {
    const cam = cameras.create({ name: 'Door', kind: 'browser' });
    db.close();
    db = new Database({ path: join(dir, 'test.db') });
    assert.deepEqual(new CameraRepository(db).get(cam.id), cam);
  });
});

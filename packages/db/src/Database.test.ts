import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Database } from './Database.ts';
import { MIGRATIONS } from './migrations/migrations.ts';

describe('Database', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'maskwatch-db-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  test('opens a file in WAL mode with foreign keys and every migration applied', () => {
    const db = new Database({ path: join(dir, 'nested', 'a.db') });
    assert.equal(db.handle.pragma('journal_mode', { simple: true }), 'wal');
    assert.equal(db.handle.pragma('foreign_keys', { simple: true }), 1);
    assert.deepEqual(
      db.appliedVersions(),
      MIGRATIONS.map((m) => m.version),
    );
    db.close();
    db.close(); // idempotent
    assert.equal(db.closed, true);
  });

  test('migrations are applied once: reopening keeps data and the version list', () => {
    const path = join(dir, 'a.db');
    const first = new Database({ path });
    first.handle.prepare(`INSERT INTO cameras (id, name, kind, rtsp_url, enabled, created_at, updated_at) VALUES ('c1','Door','browser',NULL,1,'t','t')`).run();
    first.close();
    const second = new Database({ path });
    assert.deepEqual(
      second.appliedVersions(),
      MIGRATIONS.map((m) => m.version),
    );
    assert.equal((second.handle.prepare('SELECT count(*) AS n FROM cameras').get() as { n: number }).n, 1);
    second.close();
  });

  test('a new migration appended later is applied on the next open, and a failing one rolls back', () => {
    const path = join(dir, 'a.db');
    new Database({ path }).close();
    const extra = [...MIGRATIONS, { version: 99, name: 'extra', sql: 'CREATE TABLE extra (x INTEGER)' }];
    const db = new Database({ path, migrations: extra });
    assert.deepEqual(db.appliedVersions().at(-1), 99);
    db.close();
    const broken = [...extra, { version: 100, name: 'broken', sql: 'CREATE TABLE y (x); SELECT * FROM nope' }];
    assert.throws(() => new Database({ path, migrations: broken }), /no such table/);
    const again = new Database({ path, migrations: extra });
    assert.equal(again.appliedVersions().includes(100), false);
    assert.equal(again.handle.prepare(`SELECT name FROM sqlite_master WHERE name = 'y'`).get(), undefined);
    again.close();
  });

  test(':memory: works for unit tests', () => {
    const db = new Database({ path: ':memory:' });
    assert.ok(db.appliedVersions().length >= 2);
    db.close();
  });
});

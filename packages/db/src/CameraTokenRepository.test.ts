import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { AuditRepository } from './AuditRepository.ts';
import { CameraRepository } from './CameraRepository.ts';
import { CameraTokenRepository } from './CameraTokenRepository.ts';
import { Database } from './Database.ts';
import { SettingsRepository } from './SettingsRepository.ts';

describe('camera tokens, settings and the audit log', () => {
  let dir: string;
  let db: Database;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'maskwatch-db-'));
    db = new Database({ path: join(dir, 'test.db') });
  });
  afterEach(() => {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('a camera has at most one token; replacing it retires the old one; removing the camera removes it', () => {
    const cameras = new CameraRepository(db);
    const tokens = new CameraTokenRepository(db);
    const camera = cameras.create({ name: 'Door', kind: 'browser' });
    tokens.set(camera.id, 'hash1', 'usr_1');
    assert.equal(tokens.cameraIdFor('hash1'), camera.id);
    tokens.set(camera.id, 'hash2', null);
    assert.equal(tokens.cameraIdFor('hash1'), undefined);
    assert.equal(tokens.cameraIdFor('hash2'), camera.id);
    assert.equal(tokens.list().length, 1);
    cameras.remove(camera.id);
    assert.equal(tokens.cameraIdFor('hash2'), undefined);
    assert.equal(tokens.remove(camera.id), false);
  });

  test('settings round-trip as JSON; audit pages go newest first', () => {
    const settings = new SettingsRepository(db);
    assert.equal(settings.get('openEnrolment'), undefined);
    settings.set('openEnrolment', true);
    settings.set('openEnrolment', false);
    assert.equal(settings.get('openEnrolment'), false);

    const audit = new AuditRepository(db);
    for (let i = 0; i < 5; i++)
      audit.append({ actorId: null, actor: 'system', action: `a${i}`, target: null, detail: i % 2 ? { i } : null, address: null });
    const first = audit.page(2);
    assert.deepEqual(
      first.map((e) => e.action),
      ['a4', 'a3'],
    );
    assert.deepEqual(first[1]?.detail, { i: 3 });
    assert.deepEqual(
      audit.page(10, first[1]?.id).map((e) => e.action),
      ['a2', 'a1', 'a0'],
    );
  });
});

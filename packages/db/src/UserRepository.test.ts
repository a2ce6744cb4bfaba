import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Database } from './Database.ts';
import { DbError } from './DbError.ts';
import { SessionRepository } from './SessionRepository.ts';
import { UserRepository } from './UserRepository.ts';

describe('UserRepository and SessionRepository', () => {
  let dir: string;
  let db: Database;
  let users: UserRepository;
  let sessions: SessionRepository;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'maskwatch-db-'));
    db = new Database({ path: join(dir, 'test.db') });
    users = new UserRepository(db);
    sessions = new SessionRepository(db);
  });
  afterEach(() => {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('users: unique names, updates stamp the password change, admins counted', () => {
    const admin = users.create({ username: 'admin', role: 'admin', passwordHash: 'h1' });
    users.create({ username: 'olga', role: 'operator', passwordHash: 'h2' });
    assert.match(admin.id, /^usr_[0-9a-f]{12}$/);
    assert.throws(
      () => users.create({ username: 'admin', role: 'operator', passwordHash: 'x' }),
      (error: unknown) => error instanceof DbError && error.code === 'conflict',
    );
    assert.equal(users.count(), 2);
    assert.equal(users.activeAdminCount(), 1);
    const changed = users.update(admin.id, { passwordHash: 'h3' });
    assert.equal(changed.passwordHash, 'h3');
    assert.ok(changed.passwordChangedAt >= admin.passwordChangedAt);
    users.update(admin.id, { disabled: true });
    assert.equal(users.activeAdminCount(), 0);
    assert.deepEqual(
      users.list().map((u) => u.username),
      ['admin', 'olga'],
    );
    assert.throws(() => users.update('usr_nope', { disabled: true }), DbError);
  });

  test('sessions: found by token hash, revoked one by one or all of a user, gone with the user', () => {
    const user = users.create({ username: 'olga', role: 'operator', passwordHash: 'h' });
    const now = new Date();
    const later = new Date(now.getTime() + 3_600_000).toISOString();
    const base = { userId: user.id, createdAt: now.toISOString(), expiresAt: later, address: '127.0.0.1', userAgent: null };
    sessions.create({ ...base, id: 'ses_a', tokenHash: 'ha' });
    sessions.create({ ...base, id: 'ses_b', tokenHash: 'hb' });
    sessions.create({ ...base, id: 'ses_c', tokenHash: 'hc' });
    assert.equal(sessions.byTokenHash('hb')?.id, 'ses_b');
    assert.equal(sessions.byTokenHash('nope'), undefined);
    assert.deepEqual(sessions.revoke({ id: 'ses_a' }, now.toISOString()), ['ses_a']);
    assert.deepEqual(sessions.revoke({ id: 'ses_a' }, now.toISOString()), []);
    assert.deepEqual(sessions.revoke({ userId: user.id, exceptId: 'ses_c' }, now.toISOString()), ['ses_b']);
    assert.deepEqual(
      sessions.listActive(now.toISOString()).map((s) => s.id),
      ['ses_c'],
    );
    assert.equal(sessions.listActive(later).length, 0);
    users.remove(user.id);
    assert.equal(sessions.get('ses_c'), undefined);
  });
});

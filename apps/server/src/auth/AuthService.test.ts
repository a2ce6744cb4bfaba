import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { Database } from '@maskwatch/db/Database';
import { AuthService } from './AuthService.ts';

const meta = { address: '10.0.0.7', userAgent: 'test' };

describe('AuthService', () => {
  let dir: string;
  let db: Database;
  let auth: AuthService;
  let revoked: string[][];
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'maskwatch-auth-'));
    db = new Database({ path: join(dir, 'a.db') });
    auth = new AuthService(db, { sessionTtlMs: 60_000 });
    revoked = [];
    auth.on('revoked', (ids) => revoked.push(ids));
  });
  afterEach(() => {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('the first admin: a given password is used, a missing one generated and returned; only once', async () => {
    assert.equal(await auth.ensureFirstAdmin('first admin secret'), undefined);
    assert.equal(await auth.ensureFirstAdmin(undefined), undefined, 'users exist: nothing happens');
    const signedIn = await auth.login('admin', 'first admin secret', meta);
    assert.ok(signedIn.ok);
    const other = new AuthService(new Database({ path: join(dir, 'b.db') }), { sessionTtlMs: 60_000 });
    const generated = await other.ensureFirstAdmin(undefined);
    assert.ok(generated && generated.password.length >= 16);
    assert.ok((await other.login('ADMIN ', generated.password, meta)).ok, 'names are matched trimmed and lower-cased');
  });

  test('sign-in: unknown, wrong and disabled fail alike; a token identifies its session until it ends', async () => {
    await auth.ensureFirstAdmin('first admin secret');
    const user = await auth.createUser({ username: 'olga', password: 'her very own secret', role: 'operator' });
    assert.equal((await auth.login('nobody', 'whatever it is', meta)).ok, false);
    assert.equal((await auth.login('olga', 'not her secret', meta)).ok, false);
    const result = await auth.login('olga', 'her very own secret', meta);
    assert.ok(result.ok);
    const who = auth.identify(result.token);
    assert.equal(who?.user.username, 'olga');
    assert.equal(auth.identify(`${result.token}x`), undefined);
    assert.equal(auth.identify(undefined), undefined);
    await auth.updateUser(user.id, { disabled: true });
    assert.deepEqual(revoked.at(-1), [result.signedIn.session.id]);
    assert.equal(auth.identify(result.token), undefined);
    const disabled = await auth.login('olga', 'her very own secret', meta);
    assert.equal(!disabled.ok && disabled.reason, 'disabled');
  });

  test('a new password ends other sessions; changing only your own password keeps the session you did it from', async () => {
    await auth.ensureFirstAdmin('first admin secret');
    const a = await auth.login('admin', 'first admin secret', meta);
    const b = await auth.login('admin', 'first admin secret', meta);
    assert.ok(a.ok && b.ok);
    const admin = auth.listUsers()[0]!;
    await auth.updateUser(admin.id, { password: 'second master key' }, a.signedIn.session.id);
    assert.ok(auth.identify(a.token), 'kept');
    assert.equal(auth.identify(b.token), undefined);
    // A role change ends even the caller's own session (its role is part of what its sockets were given).
    await auth.createUser({ username: 'second', password: 'another admin secret', role: 'admin' });
    await auth.updateUser(admin.id, { role: 'operator' }, a.signedIn.session.id);
    assert.equal(auth.identify(a.token), undefined);
  });

  test('never without an enabled admin; a password may not contain the username', async () => {
    await auth.ensureFirstAdmin('first admin secret');
    const admin = auth.listUsers()[0]!;
    await assert.rejects(auth.updateUser(admin.id, { role: 'operator' }), /last enabled admin/);
    await assert.rejects(auth.updateUser(admin.id, { disabled: true }), /last enabled admin/);
    assert.throws(() => auth.removeUser(admin.id), /last enabled admin/);
    await assert.rejects(auth.createUser({ username: 'ivan', password: 'ivan-is-great-1', role: 'operator' }), /must not contain the username/);
  });

  test('guessing is throttled before any password is checked', async () => {
    await auth.ensureFirstAdmin('first admin secret');
    for (let i = 0; i < 6; i++) assert.equal((await auth.login('admin', `guess ${i} of many`, meta)).ok, false);
    const throttled = await auth.login('admin', 'first admin secret', meta);
    assert.equal(!throttled.ok && throttled.reason, 'throttled');
    assert.ok(!throttled.ok && throttled.reason === 'throttled' && throttled.retryAfterSeconds >= 1);
    // From elsewhere the owner still gets in: six failures trip the account+address rule, not the account's own.
    assert.ok((await auth.login('admin', 'first admin secret', { ...meta, address: '10.0.0.8' })).ok);
  });
});

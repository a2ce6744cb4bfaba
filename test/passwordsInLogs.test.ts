/**
 * Passwords appear in no log: the real `main.ts` at first start, with every log line (trace level, JSON) and its
 * console captured, signs in, fails to sign in, makes a user and changes a password. The generated first-admin
 * password is printed exactly once (the banner that hands it over); no other password, no session cookie and no
 * publish token appears anywhere in the output or in the SQLite files.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import type { UserResponse } from '@maskwatch/protocol/auth';
import type { CameraResponse } from '@maskwatch/protocol/http';
import { apiWith, login, tokenOf } from './support/auth.ts';
import { waitFor } from './support/client.ts';
import { REPO_ROOT } from './support/rtsp.ts';
import { ensureWorkerBin } from './support/server.ts';

const count = (haystack: string, needle: string) => haystack.split(needle).length - 1;

test('the first admin password is printed once; no password, session or publish token reaches a log or the database', async () => {
  ensureWorkerBin();
  const dataDir = mkdtempSync(join(tmpdir(), 'maskwatch-logs-'));
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    MASKWATCH_HOST: '127.0.0.1',
    MASKWATCH_PORT: '0',
    MASKWATCH_DATA_DIR: dataDir,
    MASKWATCH_SERVE_WEB: 'off',
    MASKWATCH_TLS: 'off',
    MASKWATCH_WORKERS: '1',
    MASKWATCH_ANNOUNCED_IPS: '127.0.0.1',
    MASKWATCH_LOG_LEVEL: 'trace',
    MASKWATCH_LOG_FORMAT: 'json',
  };
  delete env.MASKWATCH_ADMIN_PASSWORD;
  const child = spawn(process.execPath, ['--import', 'tsx', join(REPO_ROOT, 'apps/server/src/main.ts')], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  try {
    const banner = await waitFor(
      () => /console (http:\/\/127\.0\.0\.1:\d+)\/console[\s\S]*?with the password:\s+(\S+)/.exec(output),
      `the banner (output so far: ${output.slice(-500)})`,
      60_000,
    );
    const [, url = '', generated = ''] = banner;
    assert.ok(generated.length >= 16, generated);

    const wrong = 'wrong guess of a passphrase';
    for (let i = 0; i < 2; i++) {
      const res = await fetch(`${url}/api/session`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: 'admin', password: wrong }),
      });
      assert.equal(res.status, 401);
    }
    // A password typed into the name field.
    const mistyped = 'bright lantern over water';
    await fetch(`${url}/api/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: mistyped, password: 'x' }),
    });
    const adminCookie = await login(url, 'admin', generated);
    const admin = apiWith(url, adminCookie);
    const created = await admin('/api/users', { method: 'POST', json: { username: 'olga', password: mistyped, role: 'operator' } });
    assert.equal(created.status, 201);
    const { user } = (await created.json()) as UserResponse;
    assert.deepEqual(Object.keys(user).sort(), ['createdAt', 'disabled', 'id', 'passwordChangedAt', 'role', 'updatedAt', 'username']);
    assert.doesNotMatch(JSON.stringify(user), /hash|scrypt/i);
    const olgaCookie = await login(url, 'olga', mistyped);
    const changed = 'second lantern passphrase';
    assert.equal((await admin(`/api/users/${user.id}`, { method: 'PATCH', json: { password: changed } })).status, 200);
    await login(url, 'olga', changed);
    const camera = await admin('/api/cameras', { method: 'POST', json: { kind: 'browser', name: 'Secret door' } });
    const publishToken = tokenOf(((await camera.json()) as CameraResponse).publishUrl ?? '');
    const tooShort = await admin('/api/users', { method: 'POST', json: { username: 'ivan', password: 'short1', role: 'operator' } });
    assert.equal(tooShort.status, 400);
    assert.doesNotMatch(await tooShort.text(), /short1/);

    child.kill('SIGTERM');
    assert.equal(await exited, 0);
    const secrets = { wrong, mistyped, changed, tooShort: 'short1', adminCookie: adminCookie.split('=')[1] ?? '', olgaCookie: olgaCookie.split('=')[1] ?? '', publishToken };
    assert.ok(output.includes('"level"'), 'JSON log lines were captured');
    assert.equal(count(output, generated), 1, 'the generated password is printed once, in the banner');
    for (const [what, secret] of Object.entries(secrets)) assert.equal(count(output, secret), 0, `${what} is in the output`);
    const files = ['maskwatch.db', 'maskwatch.db-wal'].map((name) => join(dataDir, name)).filter((path) => existsSync(path));
    const stored = files.map((path) => readFileSync(path).toString('latin1')).join('\n');
    assert.ok(stored.length > 0);
    for (const [what, secret] of Object.entries({ ...secrets, generated }))
      assert.equal(count(stored, secret), 0, `${what} is stored in the database`);
  } finally {
    if (child.exitCode === null) child.kill('SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
  }
});

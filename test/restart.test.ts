// Restarts on the same data folder. A server killed with -9 (another process) is test/e2e/serverKill.test.ts.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { CameraListResponse } from '@maskwatch/protocol/http';
import { apiAs, login, TEST_ADMIN } from './support/auth.ts';
import { startTestServer } from './support/server.ts';

describe('restart', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'maskwatch-restart-'));
  after(() => rmSync(dataDir, { recursive: true, force: true }));

  test('cameras created through the REST API survive a restart on the same data dir', async () => {
    const first = await startTestServer({ dataDir });
    const firstAdmin = await apiAs(first, 'admin');
    for (const body of [
      { kind: 'browser', name: 'Door' },
      { kind: 'rtsp', name: 'Gate', rtspUrl: 'rtsp://192.0.2.1/s', enabled: false },
    ]) {
      const res = await firstAdmin('/api/cameras', { method: 'POST', json: body });
      assert.equal(res.status, 201);
    }
    const listed = (await (await firstAdmin('/api/cameras')).json()) as CameraListResponse;
    await first.close();
    await first.close(); // idempotent

    const second = await startTestServer({ dataDir });
    try {
      assert.notEqual(second.url, first.url);
      // Users persist too: the admin signs in again with the same password.
      const again = (await (await (await apiAs(second, 'admin'))('/api/cameras')).json()) as CameraListResponse;
      const strip = (r: CameraListResponse) =>
        r.cameras.map(({ id, name, kind, rtspUrl, enabled, createdAt }) => ({
          id,
          name,
          kind,
          rtspUrl,
          enabled,
          createdAt,
        }));
      assert.deepEqual(strip(again), strip(listed));
      assert.equal(again.cameras.length, 2);
    } finally {
      await second.close();
    }
  });

  test('MASKWATCH_RESET_ADMIN gives admin a new password on the next start (and only the new one works)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'maskwatch-reset-'));
    try {
      const first = await startTestServer({ dataDir: dir });
      const old = await login(first.url, TEST_ADMIN.username, TEST_ADMIN.password);
      await first.close();
      const fresh = 'a brand new admin secret';
      const second = await startTestServer({ dataDir: dir, env: { MASKWATCH_RESET_ADMIN: 'on', MASKWATCH_ADMIN_PASSWORD: fresh } });
      try {
        await assert.rejects(login(second.url, TEST_ADMIN.username, TEST_ADMIN.password), /401/);
        const cookie = await login(second.url, TEST_ADMIN.username, fresh);
        assert.equal((await fetch(`${second.url}/api/users`, { headers: { cookie } })).status, 200);
        assert.equal((await fetch(`${second.url}/api/users`, { headers: { cookie: old } })).status, 401, 'its old sessions ended');
      } finally {
        await second.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

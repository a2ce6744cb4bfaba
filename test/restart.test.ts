import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { CameraListResponse } from '@maskwatch/protocol/http';
import { apiAs } from './support/auth.ts';
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
});

import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { CameraListResponse, CameraResponse } from '@maskwatch/protocol/http';
import { apiAs, login, TEST_ADMIN } from './support/auth.ts';
import { waitFor } from './support/client.ts';
import { startRtspSource } from './support/rtsp.ts';
import { startTestServer } from './support/server.ts';
import { startServerProcess, type ServerProcess } from './support/serverProcess.ts';

/** Running ffmpeg processes pulling `url` (any parent), by pid; a zombie is not running. */
function ffmpegPulling(url: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${entry}/stat`, 'utf8'))) continue;
      const args = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0');
      if (args.some((arg) => arg.endsWith('ffmpeg')) && args.includes('-rtsp_transport') && args.includes(url))
        pids.push(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return pids;
}

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

  test('a server killed with -9 leaves no ffmpeg behind: after a restart one ffmpeg pulls the camera', async () => {
    const source = await startRtspSource();
    const killedDir = mkdtempSync(join(tmpdir(), 'maskwatch-kill9-'));
    let server: ServerProcess | undefined;
    try {
      server = await startServerProcess({ dataDir: killedDir, web: false });
      const res = await (await apiAs(server, 'admin'))('/api/cameras', {
        method: 'POST',
        json: { kind: 'rtsp', name: 'Gate', rtspUrl: source.url },
      });
      assert.equal(res.status, 201);
      const { camera } = (await res.json()) as CameraResponse;
      const live = async (url: string) => {
        const response = await (await apiAs({ url }, 'admin'))(`/api/cameras/${camera.id}`);
        const view = ((await response.json()) as CameraResponse).camera;
        return view.status === 'live';
      };
      await waitFor(() => live(server!.url), 'the camera live', 60_000);
      const before = ffmpegPulling(source.url);
      assert.equal(before.length, 1, `ffmpeg pulling the camera: ${before.join(',')}`);

      await server.kill9();
      await waitFor(() => ffmpegPulling(source.url).length === 0, 'the ingest ffmpeg to die with its server', 5_000);

      server = await startServerProcess({ dataDir: killedDir, web: false });
      await waitFor(() => live(server!.url), 'the camera live after the restart', 60_000);
      const after = ffmpegPulling(source.url);
      assert.equal(after.length, 1, `ffmpeg pulling the camera after the restart: ${after.join(',')}`);
      assert.ok(!before.includes(after[0]!));
    } finally {
      await server?.close().catch(() => undefined);
      await source.stop();
      rmSync(killedDir, { recursive: true, force: true });
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

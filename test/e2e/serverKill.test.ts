/**
 * A server killed with -9 (a server process: nothing of it runs its close) leaves no ffmpeg behind, and the next
 * server on the same data folder pulls the camera again with one ffmpeg. Restarts that close cleanly are
 * test/restart.test.ts.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { CameraResponse } from '@maskwatch/protocol/http';
import { apiAs } from '../support/auth.ts';
import { waitFor } from '../support/client.ts';
import { startRtspSource } from '../support/rtsp.ts';
import { startServerProcess, type ServerProcess } from '../support/serverProcess.ts';

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

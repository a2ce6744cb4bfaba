/**
 * RTSP cameras in tests, through the REST API as an admin makes them: `createRtspCamera(server, 'Gate', url)`,
 * `cameraAsAdmin(server, id)` (the camera as an admin sees it: operators do not see ffmpeg's own error text), and
 * `firstFrameAt(url)`: when a plain ffmpeg first decodes a frame of a source (when a source is really back).
 */
import { spawn } from 'node:child_process';
import assert from 'node:assert/strict';
import type { CameraResponse } from '@maskwatch/protocol/http';
import { apiAs } from './auth.ts';

type HasUrl = { url: string };

export async function createRtspCamera(server: HasUrl, name: string, rtspUrl: string): Promise<string> {
  const res = await (await apiAs(server, 'admin'))('/api/cameras', { method: 'POST', json: { kind: 'rtsp', name, rtspUrl } });
  assert.equal(res.status, 201);
  return ((await res.json()) as CameraResponse).camera.id;
}

/** The camera as an admin sees it. */
export async function cameraAsAdmin(server: HasUrl, id: string) {
  const res = await (await apiAs(server, 'admin'))(`/api/cameras/${id}`);
  return ((await res.json()) as CameraResponse).camera;
}

/** When plain ffmpeg first decodes a frame from `url` (ms since the epoch), trying again while it refuses. */
export async function firstFrameAt(url: string, timeoutMs = 30_000): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const ffmpeg = spawn('ffmpeg', ['-hide_banner', '-nostdin', '-rtsp_transport', 'tcp', '-i', url, '-frames:v', '1', '-f', 'null', '-'], {
      stdio: 'ignore',
    });
    const timer = setTimeout(() => ffmpeg.kill('SIGKILL'), timeoutMs);
    const code = await new Promise<number | null>((resolve) => ffmpeg.once('close', resolve));
    clearTimeout(timer);
    if (code === 0) return Date.now();
    if (Date.now() > deadline) throw new Error(`no frame from ${url} within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

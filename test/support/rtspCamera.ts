/**
 * RTSP cameras in tests, through the REST API as an admin makes them: `createRtspCamera(server, 'Gate', url)`,
 * `cameraAsAdmin(server, id)` (the camera as an admin sees it: operators do not see ffmpeg's own error text).
 */
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

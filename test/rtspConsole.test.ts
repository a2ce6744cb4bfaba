/**
 * End to end for RTSP: a local RTSP source, the camera added through the REST API, and the console page in real
 * Chromium playing its tile (H.264 copied from the source through mediasoup to the browser).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser } from 'playwright-core';
import type { CameraResponse } from '@maskwatch/protocol/http';
import { launchBrowser, logPage, VARIANCE_THRESHOLD, waitForTilePlaying } from './support/browser.ts';
import { REPO_ROOT, startRtspSource, type RtspSource } from './support/rtsp.ts';
import { apiAs, loginAs } from './support/auth.ts';
import { startTestServer, type TestServer } from './support/server.ts';

const built = existsSync(join(REPO_ROOT, 'apps/web/.next/BUILD_ID'));

describe('RTSP camera in the console (Chromium)', { skip: built ? false : 'apps/web is not built' }, () => {
  let server: TestServer;
  let source: RtspSource;
  let browser: Browser | undefined;
  before(async () => {
    source = await startRtspSource();
    server = await startTestServer({ web: true });
  });
  after(async () => {
    await browser?.close().catch(() => undefined);
    await server?.close();
    await source?.stop();
  });

  test('the tile of an RTSP camera plays a moving, non-blank picture', async () => {
    const res = await (await apiAs(server, 'admin'))('/api/cameras', {
      method: 'POST',
      json: { kind: 'rtsp', name: 'RTSP e2e', rtspUrl: source.url },
    });
    assert.equal(res.status, 201);
    const { camera } = (await res.json()) as CameraResponse;
    browser = await launchBrowser();
    const page = await browser.newPage();
    logPage(page, 'console');
    await loginAs(page, server, 'operator');
    const sample = await waitForTilePlaying(page, camera.id, 90_000);
    assert.ok(sample.endTime > sample.startTime, `video time did not advance: ${JSON.stringify(sample)}`);
    assert.ok(sample.variance > VARIANCE_THRESHOLD, `frame looks blank: ${JSON.stringify(sample)}`);
  });
});

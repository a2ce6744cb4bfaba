/**
 * End to end for RTSP: a local RTSP source sending H.264 High (as IP cameras do), the camera added through the REST
 * API, and the console page in real Chromium playing its tile. Chromium's WebRTC cannot receive High, so the server
 * converts the camera to VP8 for it while the tile is watched; the camera's own producer stays High.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import type { CameraResponse } from '@maskwatch/protocol/http';
import { launchBrowser, logPage, VARIANCE_THRESHOLD, waitForTilePlaying, waitUntil } from '../support/browser.ts';
import { freeTcpPort, REPO_ROOT, startRtspSource, type RtspSource } from '../support/rtsp.ts';
import { apiAs, loginAs } from '../support/auth.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

const built = existsSync(join(REPO_ROOT, 'apps/web/.next/BUILD_ID'));

describe('RTSP camera in the console (Chromium)', { skip: built ? false : 'apps/web is not built' }, () => {
  let server: TestServer;
  let source: RtspSource;
  let browser: Browser | undefined;
  let page: Page;
  before(async () => {
    source = await startRtspSource();
    server = await startTestServer({ web: true });
  });
  after(async () => {
    await browser?.close().catch(() => undefined);
    await server?.close();
    await source?.stop();
  });

  test('the tile of an H.264 High RTSP camera plays a moving, non-blank picture (converted for Chromium)', async () => {
    const res = await (await apiAs(server, 'admin'))('/api/cameras', {
      method: 'POST',
      json: { kind: 'rtsp', name: 'RTSP e2e', rtspUrl: source.url },
    });
    assert.equal(res.status, 201);
    const { camera } = (await res.json()) as CameraResponse;
    browser = await launchBrowser();
    page = await browser.newPage();
    logPage(page, 'console');
    await loginAs(page, server, 'operator');
    const sample = await waitForTilePlaying(page, camera.id, 90_000);
    assert.ok(sample.endTime > sample.startTime, `video time did not advance: ${JSON.stringify(sample)}`);
    assert.ok(sample.variance > VARIANCE_THRESHOLD, `frame looks blank: ${JSON.stringify(sample)}`);
    // Frames really decoded by Chromium (not only a track attached), and more of them a second later.
    const video = `article[data-camera-id="${camera.id}"] video`;
    const decoded = () => page.$eval(video, (element) => (element as HTMLVideoElement).getVideoPlaybackQuality().totalVideoFrames);
    const firstCount = await decoded();
    await page.waitForTimeout(1000);
    const secondCount = await decoded();
    assert.ok(firstCount > 0 && secondCount > firstCount, `decoded frames ${firstCount} -> ${secondCount}`);
    assert.equal(await page.getAttribute(`article[data-camera-id="${camera.id}"]`, 'data-transcoded'), 'true');
    const codec = server.internals.cameras.videoOf(camera.id)?.producer.rtpParameters.codecs[0];
    assert.equal(codec?.parameters?.['profile-level-id'], '64001f', 'the camera (and its analysis) keeps H.264 High');
    assert.doesNotMatch(await page.innerText('main'), /rtpCapabilities|cannot receive/);
    await page.getByText('1 live / 1 camera', { exact: true }).waitFor({ timeout: 10_000 });
  });

  test('a refused source: the tile gives the reason once and counts down to the next attempt', async () => {
    const port = await freeTcpPort();
    const res = await (await apiAs(server, 'admin'))(`/api/cameras`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ kind: 'rtsp', name: 'RTSP refused', rtspUrl: `rtsp://127.0.0.1:${port}/cam` }),
    });
    assert.equal(res.status, 201);
    const { camera } = (await res.json()) as CameraResponse;
    const tile = `article[data-camera-id="${camera.id}"]`;
    await page.getByText('1 live / 2 cameras', { exact: true }).waitFor({ timeout: 10_000 });
    // The backoff grows 1, 2, 4 s: wait for a pause long enough to watch it count down.
    const first = await waitUntil(
      'a countdown of 3 s or more',
      async () => {
        const value = Number(await page.getAttribute(`${tile} [data-retry-in]`, 'data-retry-in').catch(() => null));
        return value >= 3 ? value : undefined;
      },
      30_000,
    );
    const text = await page.$eval(tile, (element) => (element as HTMLElement).innerText);
    // An operator is told the source is unavailable, once; only admins see ffmpeg's own words.
    assert.equal(text.match(/source is not available/gi)?.length, 1, `the reason once in the tile: ${JSON.stringify(text)}`);
    assert.doesNotMatch(text, /connection refused/i);
    assert.match(text, /retrying in \d+ s/);
    await page.waitForTimeout(1_500);
    const later = Number(await page.getAttribute(`${tile} [data-retry-in]`, 'data-retry-in'));
    assert.ok(later < first && later >= first - 2, `countdown went ${first} -> ${later}`);
  });
});

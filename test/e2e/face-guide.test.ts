/**
 * The camera page: its on-device detector (MediaPipe BlazeFace, served by the app) sees the one person in the clip,
 * and it publishes again by itself when the server drops its socket.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { apiAs, createBrowserCamera, publishCamera } from '../support/auth.ts';
import { fakeCameraClip, launchBrowser, logPage, waitUntil } from '../support/browser.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

describe('camera page', () => {
  let server: TestServer;
  let browser: Browser | undefined;

  before(async () => {
    server = await startTestServer({ web: true });
    browser = await launchBrowser({ fakeVideo: fakeCameraClip('Gituatu_nomask.mp4') });
  });
  after(async () => {
    await browser?.close().catch(() => undefined);
    await server?.close();
  });

  test('loads its detector before the Start tap (it holds the page for seconds), then reports one face for a one-person clip, on the page and to the server', async () => {
    assert.ok(browser);
    const page = await browser.newPage();
    logPage(page, 'camera');
    const camera = await createBrowserCamera(server, 'E2E faces');
    await page.goto(camera.publishUrl);
    // Loaded while nobody tapped: after the tap, its seconds of set-up would hold back the first spoken alert.
    await page.waitForSelector('html[data-face-detector="ready"]', { timeout: 60_000 });
    await page.getByRole('button', { name: 'Start camera' }).click();
    await page.waitForSelector('main[data-status="live"]', { timeout: 60_000 });
    const cameraId = camera.camera.id;
    assert.equal(await page.getAttribute('main', 'data-camera-id'), cameraId);
    await page.waitForSelector('main[data-faces="1"]', { timeout: 60_000 });
    // Held over several detections, not a single lucky frame.
    const counts: string[] = [];
    for (let i = 0; i < 5; i++) {
      counts.push((await page.getAttribute('main', 'data-faces')) ?? '');
      await page.waitForTimeout(400);
    }
    assert.deepEqual(counts, ['1', '1', '1', '1', '1']);
    assert.match((await page.getByRole('status').textContent()) ?? '', /face in view/i);

    // The count reached the server through `camera:faces`.
    const operator = await apiAs(server, 'operator');
    const facesInView = await waitUntil('the server to record facesInView = 1', async () => {
      const response = await operator(`/api/cameras/${cameraId}`);
      const body = (await response.json()) as { camera?: { facesInView?: number | null } };
      return body.camera?.facesInView === 1 ? 1 : undefined;
    });
    assert.equal(facesInView, 1);
  });

  test('the camera page publishes again by itself after the server drops its socket', async () => {
    assert.ok(browser);
    const page = await browser.newPage();
    logPage(page, 'camera');
    const { cameraId } = await publishCamera(page, server, 'E2E reconnect');
    const first = await page.getAttribute('main', 'data-producer-id');
    const publishes = Number(await page.getAttribute('main', 'data-publishes'));
    assert.ok(first);
    server.internals.signalling.io.in(await socketIdsOf(server)).disconnectSockets(true);
    // The outcome, not the way there (a fast reconnect may never show a non-live state): a new producer, published
    // by this page without a reload.
    await page.waitForSelector(`main[data-status="live"][data-publishes="${publishes + 1}"]`, { timeout: 60_000 });
    const second = await page.getAttribute('main', 'data-producer-id');
    assert.ok(second && second !== first, `producer ${first} -> ${second}`);
    assert.equal(await page.getAttribute('main', 'data-camera-id'), cameraId);
    const operator = await apiAs(server, 'operator');
    const camera = await waitUntil('the server to see the camera live on the new producer', async () => {
      const response = await operator(`/api/cameras/${cameraId}`);
      const body = (await response.json()) as { camera?: { status?: string; hasVideo?: boolean; producerId?: string | null } };
      return body.camera?.status === 'live' && body.camera.hasVideo && body.camera.producerId === second ? body.camera : undefined;
    });
    assert.equal(camera.status, 'live');
    await page.close();
  });
});

async function socketIdsOf(server: TestServer): Promise<string[]> {
  const sockets = await server.internals.signalling.io.fetchSockets();
  return sockets.map((socket) => socket.id);
}

/** The camera page's on-device detector (MediaPipe BlazeFace, served by the app) sees the one person in the clip. */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { fakeCameraClip, launchBrowser, logPage, startCamera, waitUntil } from '../support/browser.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

describe('camera page face guide', () => {
  let server: TestServer;
  let browser: Browser | undefined;

  before(async () => {
    server = await startTestServer({ web: true });
  });
  after(async () => {
    await browser?.close().catch(() => undefined);
    await server?.close();
  });

  test('reports one face for a one-person clip, on the page and to the server', async () => {
    browser = await launchBrowser({ fakeVideo: fakeCameraClip('Gituatu_nomask.mp4') });
    const page = await browser.newPage();
    logPage(page, 'camera');
    const cameraId = await startCamera(page, server.url, 'E2E faces');
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
    const facesInView = await waitUntil('the server to record facesInView = 1', async () => {
      const response = await fetch(`${server.url}/api/cameras/${cameraId}`);
      const body = (await response.json()) as { camera?: { facesInView?: number | null } };
      return body.camera?.facesInView === 1 ? 1 : undefined;
    });
    assert.equal(facesInView, 1);
  });
});

/**
 * The alert pages in real Chromium, on the server's alert path driven through its input seam (test/support/
 * resultFeed.ts, the InferenceManager's shape): the camera page says the sentence and shows the banner, the
 * console's feed shows the alert with its thumbnail and a click enlarges the camera, the history page
 * acknowledges it, and after a restart (another server process on the same data) the acknowledgement is there.
 * The same flow on the live pipeline (Chromium publishing the clips, real detection and tracking) is
 * test/e2e/alerts.test.ts.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { AlertListResponseSchema, ALERT_SENTENCES } from '@maskwatch/protocol/alerts';
import { apiAs, loginAs, publishCamera } from '../support/auth.ts';
import { fakeCameraClip, launchBrowser, logPage, waitUntil } from '../support/browser.ts';
import { RECORD_SOUND, soundsOf } from '../support/recordSound.ts';
import { ResultFeed } from '../support/resultFeed.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import { startServerProcess } from '../support/serverProcess.ts';

describe('alert pages in Chromium', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'maskwatch-alerts-ui-'));
  let server: TestServer;
  let feed: ResultFeed;
  let browser: Browser;
  let camera: Page;
  let console: Page;
  let cameraId: string;
  let alertId: string;

  before(async () => {
    feed = await ResultFeed.create();
    server = await startTestServer({ web: true, dataDir });
    server.internals.alerts.attach(feed);
    browser = await launchBrowser({ fakeVideo: fakeCameraClip('Gituatu_nomask.mp4') });
    camera = await browser.newPage();
    await camera.addInitScript(RECORD_SOUND);
    logPage(camera, 'camera');
    ({ cameraId } = await publishCamera(camera, server, 'Front door'));
    console = await browser.newPage();
    logPage(console, 'console');
    await loginAs(console, server, 'operator', '/console');
    await console.waitForSelector('aside[aria-label="Alerts"]');
  });
  after(async () => {
    await browser?.close().catch(() => undefined);
    await server?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  test('an alert: the camera page speaks and shows the banner; the console feed shows it and opens the camera', async () => {
    // The feed's socket subscribes on connect; give it a moment by waiting for the empty list to render.
    await console.waitForSelector('aside[data-alert-feed="0"]');
    let label: 'no_mask' | 'mask' = 'no_mask';
    const stop = feed.loop(cameraId, () => [{ trackId: 1, label }]);
    try {
      const banner = await camera.waitForSelector('[data-alert-banner="no_mask"]', { timeout: 60_000 });
      assert.equal((await banner.textContent())?.trim(), ALERT_SENTENCES.no_mask);
      const said = await waitUntil(
        'the camera page to say the sentence',
        async () => {
          const { spoken, played } = await soundsOf(camera);
          return spoken.length > 0 || played.length > 0 ? { spoken, played } : undefined;
        },
        15_000,
        200,
      );
      assert.ok(
        said.spoken.includes(ALERT_SENTENCES.no_mask) ||
          said.played.some((src) => src.endsWith('/audio/please-wear-a-face-mask.mp3')),
        JSON.stringify(said),
      );

      const item = await console.waitForSelector(`li[data-alert-id][data-label="no_mask"]`, { timeout: 60_000 });
      alertId = (await item.getAttribute('data-alert-id')) ?? '';
      assert.match(alertId, /^al_[0-9a-f]{16}$/);
      assert.match((await item.textContent()) ?? '', /Front door/);
      // The thumbnail loads (a real JPEG from the server).
      await waitUntil(
        'the thumbnail to load',
        async () => ((await item.$eval('img', (img) => (img as HTMLImageElement).naturalWidth)) > 0 ? true : undefined),
        15_000,
        200,
      );
      await item.click();
      // Enlarged over the grid area (beside the alerts panel, which stays in view).
      await console.waitForSelector(`article[data-camera-id="${cameraId}"][data-focused="true"]`, { timeout: 10_000 });

      // The person puts the mask on: the banner goes.
      label = 'mask';
      await camera.waitForSelector('[data-alert-banner]', { state: 'detached', timeout: 60_000 });
    } finally {
      stop();
    }
  });

  test('the history page acknowledges it with a note; after a restart the acknowledgement is still there', async () => {
    const history = await browser.newPage();
    logPage(history, 'history');
    await loginAs(history, server, 'operator', '/alerts');
    const row = await history.waitForSelector(`tr[data-alert-row="${alertId}"]`);
    // The snapshot viewer shows the full snapshot.
    await row.$eval('button[aria-label^="View alert"]', (b) => (b as HTMLButtonElement).click());
    await history.waitForSelector(`[data-viewer-alert="${alertId}"] img`);
    await waitUntil(
      'the snapshot to load',
      async () =>
        (await history.$eval(`[data-viewer-alert="${alertId}"] img`, (img) => (img as HTMLImageElement).naturalWidth)) >
        0
          ? true
          : undefined,
      15_000,
      200,
    );
    await history.keyboard.press('Escape');
    // Acknowledged as the signed-in account: there is no name to type, only the note.
    assert.equal(await history.getByLabel('Your name').count(), 0);
    await history.getByLabel(/^Note/).fill('told him at the door');
    await history.getByLabel(`Select alert ${alertId}`).check();
    await history.getByRole('button', { name: 'Acknowledge selected (1)' }).click();
    await history.waitForSelector(`tr[data-alert-row="${alertId}"][data-acknowledged="true"]`);
    await browser.close();
    await server.close();

    const again = await startServerProcess({ dataDir });
    try {
      const list = AlertListResponseSchema.parse(await (await (await apiAs(again, 'operator'))('/api/alerts')).json());
      assert.equal(list.alerts.length, 1);
      assert.deepEqual(
        { by: list.alerts[0]?.acknowledged?.by, note: list.alerts[0]?.acknowledged?.note },
        { by: 'operator', note: 'told him at the door' },
      );
      browser = await launchBrowser();
      const page = await browser.newPage();
      await loginAs(page, again, 'operator', '/alerts');
      const text = await (
        await page.waitForSelector(`tr[data-alert-row="${alertId}"][data-acknowledged="true"]`)
      ).textContent();
      assert.match(text ?? '', /operator: told him at the door/);
    } finally {
      await browser.close().catch(() => undefined);
      await again.close();
    }
  });
});

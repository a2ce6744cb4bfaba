/**
 * Issue 8's acceptance on the live pipeline: real Chromium publishing the shared clips through mediasoup, the
 * inference node analysing them (ffmpeg decode, ONNX detection and classification, tracking), alerts stored in
 * SQLite with their snapshots, pushed to the console and the camera page.
 *   - Gituatu_nomask.mp4 (looping) for 30 s: 1 to 4 alerts, not one per frame; each snapshot decodes as JPEG; the
 *     console feed shows it; the camera page says the sentence (speechSynthesis.speak or the bundled recording).
 *   - Gituatu_mask.mp4 for 30 s: no alert.
 *   - kill -9 of the server right after an alert was pushed: the alert is in the history after the restart.
 *
 * WAITS FOR THE LIVE PIPELINE (issue 6): it runs once `apps/server/src/inference/InferenceManager.ts` exists and
 * `startLive` below starts a server process whose inference node analyses its cameras (the lead wires it to the
 * live-analysis test helper when merging). Until then the suite is skipped with that reason, never passed.
 * The same pages on the server's alert path alone are tested by test/e2e/alertsUi.test.ts.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { AlertListResponseSchema, ALERT_SENTENCES, type Alert } from '@maskwatch/protocol/alerts';
import { decodeImage } from '@maskwatch/vision/image/decodeImage';
import { fakeCameraClip, launchBrowser, logPage, startCamera, waitUntil } from '../support/browser.ts';
import { call, connect, nextEvent } from '../support/client.ts';
import { RECORD_SOUND, soundsOf } from '../support/recordSound.ts';
import { startServerProcess, type ServerProcess } from '../support/serverProcess.ts';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const LIVE = existsSync(join(repoRoot, 'apps/server/src/inference/InferenceManager.ts'));
const PUBLISH_MS = 30_000;

/**
 * A server process with the web pages and a live inference node, on `dataDir`. Lead: when merging, start the
 * inference node here the way the live-analysis e2e does (or make startServerProcess start one).
 */
function startLive(dataDir: string): Promise<ServerProcess> {
  return startServerProcess({ dataDir, timeoutMs: 120_000 });
}

async function alertsOf(url: string, cameraId: string): Promise<Alert[]> {
  const res = await fetch(`${url}/api/alerts?cameraId=${cameraId}&limit=200`);
  assert.equal(res.status, 200);
  return AlertListResponseSchema.parse(await res.json()).alerts;
}

describe('alerts on the live pipeline', { skip: LIVE ? false : 'waits for the live pipeline (issue 6: InferenceManager)' }, () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'maskwatch-alerts-e2e-'));
  let server: ServerProcess;
  const browsers: Browser[] = [];

  before(async () => {
    server = await startLive(dataDir);
  });
  after(async () => {
    await Promise.all(browsers.map((b) => b.close().catch(() => undefined)));
    await server?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  async function publish(clip: string, name: string): Promise<{ camera: Page; cameraId: string; browser: Browser }> {
    const browser = await launchBrowser({ fakeVideo: fakeCameraClip(clip) });
    browsers.push(browser);
    const camera = await browser.newPage();
    await camera.addInitScript(RECORD_SOUND);
    logPage(camera, name);
    const cameraId = await startCamera(camera, server.url, name);
    return { camera, cameraId, browser };
  }

  test('Gituatu_nomask for 30 s: 1 to 4 alerts with JPEG snapshots; the feed shows them; the camera page speaks', async () => {
    const { camera, cameraId, browser } = await publish('Gituatu_nomask.mp4', 'E2E nomask');
    const console = await browser.newPage();
    logPage(console, 'console');
    await console.goto(`${server.url}/console`);
    await new Promise((done) => setTimeout(done, PUBLISH_MS));

    const alerts = await alertsOf(server.url, cameraId);
    assert.ok(alerts.length >= 1 && alerts.length <= 4, `${alerts.length} alerts in 30 s`);
    for (const alert of alerts) {
      assert.equal(alert.label, 'no_mask');
      const res = await fetch(`${server.url}/api/alerts/${alert.id}/snapshot.jpg`);
      assert.equal(res.status, 200, `snapshot of ${alert.id}`);
      const image = await decodeImage(new Uint8Array(await res.arrayBuffer()));
      assert.ok(image.width > 0 && image.height > 0);
    }
    await console.waitForSelector(`li[data-alert-id="${alerts[0]!.id}"]`, { timeout: 10_000 });
    const said = await soundsOf(camera);
    assert.ok(
      said.spoken.includes(ALERT_SENTENCES.no_mask) || said.played.some((src) => src.endsWith('/audio/please-wear-a-face-mask.mp3')),
      `the camera page said nothing: ${JSON.stringify(said)}`,
    );
  });

  test('Gituatu_mask for 30 s: no alert', async () => {
    const { cameraId } = await publish('Gituatu_mask.mp4', 'E2E mask');
    await new Promise((done) => setTimeout(done, PUBLISH_MS));
    assert.deepEqual(await alertsOf(server.url, cameraId), []);
  });

  test('kill -9 right after an alert was pushed: the alert is in the history after the restart', async () => {
    const viewer = await connect(server.url, 'viewer');
    await call(viewer, 'alerts:subscribe', { recent: 0 });
    const pushed = nextEvent(viewer, 'alert:raised', () => true, 60_000);
    await publish('Gituatu_nomask.mp4', 'E2E crash');
    const { alert } = await pushed;
    await server.kill9();
    viewer.close();
    server = await startLive(dataDir);
    const found = await waitUntil(
      'the pushed alert in the history',
      async () => (await alertsOf(server.url, alert.cameraId)).find((a) => a.id === alert.id),
      30_000,
    );
    assert.equal(found.raisedAt, alert.raisedAt);
  });
});

/**
 * Issue 8's acceptance on the live pipeline: real Chromium publishing the shared clips through mediasoup, the
 * inference node analysing them (ffmpeg decode, ONNX detection and classification, tracking), alerts stored in
 * SQLite with their snapshots, pushed to the console and the camera page.
 *   - Gituatu_nomask.mp4 (looping) for 30 s: one alert (one person), whatever the loop does to the tracker; its
 *     snapshot decodes as JPEG; the console feed shows it; the camera page says the sentence (speechSynthesis.speak
 *     or the bundled recording) once, and no more than the reminders.
 *   - Gituatu_mask.mp4 for 30 s: no alert.
 *   - kill -9 of the server right after an alert was pushed: the alert is in the history after the restart.
 * The same pages on the server's alert path alone are tested by test/e2e/alertsUi.test.ts.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { AlertListResponseSchema, ALERT_SENTENCES, type Alert } from '@maskwatch/protocol/alerts';
import { decodeImage } from '@maskwatch/vision/image/decodeImage';
import { apiAs, connectViewer, loginAs, publishCamera } from '../support/auth.ts';
import { fakeCameraClip, launchBrowser, logPage, waitUntil } from '../support/browser.ts';
import { call, nextEvent } from '../support/client.ts';
import { RECORD_SOUND, soundsOf } from '../support/recordSound.ts';
import { startInferenceNode } from '../support/inferenceNode.ts';
import { startServerProcess, type ServerProcess } from '../support/serverProcess.ts';

const PUBLISH_MS = 30_000;

let nodes = 0;

/**
 * A server process with the web pages and a live inference node process beside it, on `dataDir`. `kill9` kills the
 * server only (the node would reconnect to the same URL; the restarted server listens on a new port, so the node
 * is closed with it and a new one starts with the next server).
 */
async function startLive(dataDir: string): Promise<ServerProcess> {
  const server = await startServerProcess({ dataDir, timeoutMs: 120_000 });
  const node = await startInferenceNode({ serverUrl: server.url, dataDir, nodeId: `alerts-node-${++nodes}` }).catch(
    async (error: unknown) => {
      await server.close();
      throw error;
    },
  );
  return {
    url: server.url,
    pid: server.pid,
    close: async () => {
      await node.close();
      await server.close();
    },
    kill9: async () => {
      await server.kill9();
      await node.close();
    },
  };
}

async function alertsOf(server: { url: string }, cameraId: string): Promise<Alert[]> {
  const res = await (await apiAs(server, 'operator'))(`/api/alerts?cameraId=${cameraId}&limit=200`);
  assert.equal(res.status, 200);
  return AlertListResponseSchema.parse(await res.json()).alerts;
}

describe('alerts on the live pipeline', () => {
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
    const { cameraId } = await publishCamera(camera, server, name);
    return { camera, cameraId, browser };
  }

  test('Gituatu_nomask for 30 s: one alert with a JPEG snapshot; the feed shows it; the camera page speaks', async () => {
    const { camera, cameraId, browser } = await publish('Gituatu_nomask.mp4', 'E2E nomask');
    const console = await browser.newPage();
    logPage(console, 'console');
    await loginAs(console, server, 'operator', '/console');
    await new Promise((done) => setTimeout(done, PUBLISH_MS));

    const alerts = await alertsOf(server, cameraId);
    assert.equal(alerts.length, 1, `${alerts.length} alerts in 30 s`);
    for (const alert of alerts) {
      assert.equal(alert.label, 'no_mask');
      const res = await (await apiAs(server, 'operator'))(`/api/alerts/${alert.id}/snapshot.jpg`);
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
    // Said once for the alert, and once per reminder at most.
    const times = await camera.$eval('[data-alert-said]', (el) => Number(el.getAttribute('data-alert-said')));
    const [now] = await alertsOf(server, cameraId);
    assert.ok(times >= 1 && times <= 1 + now!.reminders, `said ${times} times for 1 alert and ${now!.reminders} reminders`);
    await browser.close(); // a fake camera left running loads the 2 cores for every later test
  });

  test('Gituatu_mask for 30 s: no alert', async () => {
    const { browser, cameraId } = await publish('Gituatu_mask.mp4', 'E2E mask');
    await new Promise((done) => setTimeout(done, PUBLISH_MS));
    assert.deepEqual(await alertsOf(server, cameraId), []);
    await browser.close();
  });

  test('kill -9 right after an alert was pushed: the alert is in the history after the restart', async () => {
    const viewer = await connectViewer(server, 'operator');
    await call(viewer, 'alerts:subscribe', { recent: 0 });
    const pushed = nextEvent(viewer, 'alert:raised', () => true, 60_000);
    await publish('Gituatu_nomask.mp4', 'E2E crash');
    const { alert } = await pushed;
    await server.kill9();
    viewer.close();
    server = await startLive(dataDir);
    const found = await waitUntil(
      'the pushed alert in the history',
      async () => (await alertsOf(server, alert.cameraId)).find((a) => a.id === alert.id),
      30_000,
    );
    assert.equal(found.raisedAt, alert.raisedAt);
  });
});

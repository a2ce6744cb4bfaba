/**
 * Issue 6's acceptance in a real browser: Chromium's camera page publishes a shared clip through the SFU, a real
 * inference node process decodes, detects, classifies and tracks it, and the results reach a socket.io viewer, the
 * console's tile (boxes drawn) and the camera page itself. A camera page reload and a media worker killed with -9
 * interrupt the video: results resume on the new producer by themselves.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import type { FrameResult } from '@maskwatch/protocol/faces';
import { connectViewer, loginAs, publishCamera } from '../support/auth.ts';
import { fakeCameraClip, launchBrowser, logPage, waitUntil } from '../support/browser.ts';
import { call, type ClientSocket } from '../support/client.ts';
import { startInferenceNode, type InferenceNodeProcess } from '../support/inferenceNode.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

describe('live analysis: camera page -> SFU -> inference node -> viewers', () => {
  let server: TestServer;
  let node: InferenceNodeProcess;
  let viewer: ClientSocket;
  const results: FrameResult[] = [];
  const browsers: Browser[] = [];

  before(async () => {
    server = await startTestServer({ web: true });
    node = await startInferenceNode({ serverUrl: server.url, dataDir: server.dataDir, nodeId: 'e2e-node' });
    viewer = await connectViewer(server, 'operator');
    await call(viewer, 'viewer:join', {});
    viewer.on('results:frame', (result) => results.push(result));
  });
  after(async () => {
    await Promise.all(browsers.map((browser) => browser.close().catch(() => undefined)));
    viewer?.close();
    await node?.close();
    await server?.close();
  });

  async function publish(clip: string, name: string): Promise<{ browser: Browser; page: Page; cameraId: string }> {
    const browser = await launchBrowser({ fakeVideo: fakeCameraClip(clip) });
    browsers.push(browser);
    const page = await browser.newPage();
    logPage(page, name);
    const { cameraId } = await publishCamera(page, server, name);
    return { browser, page, cameraId };
  }

  /** The first result of `cameraId` from index `from` on whose single face's track voted `label`. */
  function voted(cameraId: string, label: string, from = 0): FrameResult | undefined {
    return results
      .slice(from)
      .find((r) => r.cameraId === cameraId && r.faces.length === 1 && r.faces[0]?.trackLabel === label);
  }

  test('Gituatu_nomask: one face voted no_mask with one stable track, within 15 analysed frames (3 s at 5 fps); boxes on both pages', async () => {
    const { browser, page, cameraId } = await publish('Gituatu_nomask.mp4', 'E2E nomask');
    const first = await waitUntil('the first result for the camera', () => results.find((r) => r.cameraId === cameraId), 90_000);
    const decided = await waitUntil('a result voted no_mask', () => voted(cameraId, 'no_mask'), 30_000);
    // Counted in analysed frames, not time: a loaded machine analyses fewer a second (a clean-clone run once took
    // 3,065 ms of capture time for what is 15 frames at 5 fps). The vote needs 3 agreeing frames.
    const frames = results.filter((r) => r.cameraId === cameraId && r.ts >= first.ts && r.ts <= decided.ts).length;
    assert.ok(frames <= 15, `voted on the ${frames}th analysed frame (${decided.ts - first.ts} ms of capture time)`);
    const trackId = decided.faces[0]?.trackId;
    assert.ok(trackId !== undefined);
    const start = results.length;
    await waitUntil('5 more results', () => results.filter((r, i) => i >= start && r.cameraId === cameraId).length >= 5 || undefined, 30_000);
    const later = results.slice(start).filter((r) => r.cameraId === cameraId);
    for (const result of later) assert.deepEqual(result.faces.map((face) => face.trackId), [trackId], 'one stable track');
    assert.ok(later.every((r) => r.faces[0]?.trackLabel === 'no_mask'));

    // The console draws the box over the tile; the camera page draws its own.
    const console = await browser.newPage();
    logPage(console, 'console');
    await loginAs(console, server, 'operator', '/console');
    await console.waitForSelector(`article[data-camera-id="${cameraId}"][data-analysis="running"][data-faces="1"]`, {
      timeout: 60_000,
    });
    await page.waitForSelector('canvas[data-own-faces="1"]', { timeout: 30_000 });
    await console.close();
    await browser.close(); // a fake camera left running loads the 2 cores for every later test
  });

  test('Gituatu_mask: the track is voted mask', async () => {
    const { browser, cameraId } = await publish('Gituatu_mask.mp4', 'E2E mask');
    const decided = await waitUntil('a result voted mask', () => voted(cameraId, 'mask'), 90_000);
    assert.equal(decided.faces[0]?.label === 'mask' || decided.faces[0]?.trackLabel === 'mask', true);
    assert.equal(voted(cameraId, 'no_mask'), undefined, 'never voted no_mask');
    await browser.close();
  });

  test('after a camera page reload, results resume on the new producer', async () => {
    const { page, cameraId } = await publish('Gituatu_nomask.mp4', 'E2E reload');
    await waitUntil('results', () => voted(cameraId, 'no_mask'), 90_000);
    const before = server.internals.cameras.viewOf(cameraId).producerId;
    await page.reload();
    await page.getByRole('button', { name: 'Start camera' }).click();
    await page.waitForSelector('main[data-status="live"]', { timeout: 60_000 });
    const producerId = await waitUntil('a new producer', () => {
      const now = server.internals.cameras.viewOf(cameraId).producerId;
      return now && now !== before ? now : undefined;
    });
    const from = results.length;
    await waitUntil('results on the new producer', () => voted(cameraId, 'no_mask', from), 90_000);
    assert.equal(server.internals.inference.analysisOf(cameraId)?.producerId, producerId);
  });

  test('after the media worker is killed with -9, results resume once it is replaced', async () => {
    const cameraId = server.internals.cameras.getByName('E2E reload')?.id;
    assert.ok(cameraId);
    const { pool } = server.internals.media;
    const oldPid = pool.workers[0]!.pid;
    process.kill(oldPid, 'SIGKILL');
    await waitUntil('a replacement worker', () => (pool.alive === 1 && pool.workers[0]!.pid !== oldPid) || undefined);
    const from = results.length;
    // The camera page joins again by itself; the server assigns the new producer to the node again.
    await waitUntil('results after the worker restart', () => voted(cameraId, 'no_mask', from), 120_000);
    assert.equal(server.internals.cameras.viewOf(cameraId).analysis.status, 'running');
  });

  test('the node survives garbage on its decoder port and keeps analysing', async () => {
    const cameraId = server.internals.cameras.getByName('E2E reload')?.id;
    assert.ok(cameraId);
    const target = server.internals.inference.analysisOf(cameraId)?.nodeRtp;
    assert.ok(target && target.port > 0);
    const { createSocket } = await import('node:dgram');
    const socket = createSocket('udp4');
    for (let i = 0; i < 300; i++) {
      const junk = Buffer.alloc(200 + (i % 900));
      for (let j = 0; j < junk.length; j++) junk[j] = (i * 31 + j * 17) & 0xff;
      socket.send(junk, target.port, target.ip);
    }
    await new Promise((r) => setTimeout(r, 500));
    socket.close();
    const from = results.length;
    await waitUntil('results after the garbage', () => voted(cameraId, 'no_mask', from), 60_000);
    assert.equal(node.process.exitCode, null, 'the node process is alive');
  });
});

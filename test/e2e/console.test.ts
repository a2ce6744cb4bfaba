/**
 * The camera page publishes through the real SFU and the console's tile for it plays: its video's currentTime
 * advances and a sampled frame is a picture (luminance variance above a threshold), for one camera and for two
 * cameras published from two Chromium processes at once.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { fakeCameraClip, launchBrowser, logPage, startCamera, VARIANCE_THRESHOLD, waitForTilePlaying } from '../support/browser.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

describe('camera page -> console', () => {
  let server: TestServer;
  const browsers: Browser[] = [];

  before(async () => {
    server = await startTestServer({ web: true });
  });
  after(async () => {
    await Promise.all(browsers.map((browser) => browser.close().catch(() => undefined)));
    await server?.close();
  });

  test('one camera: its console tile plays a moving, non-blank picture', async () => {
    const browser = await launchBrowser({ fakeVideo: fakeCameraClip('Gituatu_nomask.mp4') });
    browsers.push(browser);
    const camera = await browser.newPage();
    logPage(camera, 'camera');
    const cameraId = await startCamera(camera, server.url, 'E2E single');

    const console = await browser.newPage();
    logPage(console, 'console');
    await console.goto(`${server.url}/console`);
    await console.waitForSelector(`article[data-camera-id="${cameraId}"][data-status="live"]`, { timeout: 60_000 });
    const sample = await waitForTilePlaying(console, cameraId);
    assert.ok(sample.endTime > sample.startTime, `video time did not advance: ${JSON.stringify(sample)}`);
    assert.ok(sample.variance > VARIANCE_THRESHOLD, `frame looks blank: ${JSON.stringify(sample)}`);
    assert.equal(await console.getAttribute(`article[data-camera-id="${cameraId}"]`, 'data-playing'), 'true');

    await camera.close();
    await browser.close();
  });

  test('two cameras from two browsers: both tiles play', async () => {
    const [first, second] = await Promise.all([
      launchBrowser({ fakeVideo: fakeCameraClip('Gituatu_nomask.mp4') }),
      launchBrowser({ fakeVideo: fakeCameraClip('Gituatu_mask.mp4') }),
    ]);
    browsers.push(first, second);
    const [pageA, pageB] = await Promise.all([first.newPage(), second.newPage()]);
    logPage(pageA, 'camera A');
    logPage(pageB, 'camera B');
    const [idA, idB] = await Promise.all([startCamera(pageA, server.url, 'E2E north'), startCamera(pageB, server.url, 'E2E south')]);
    assert.notEqual(idA, idB);

    const console = await first.newPage();
    logPage(console, 'console');
    await console.goto(`${server.url}/console`);
    const [sampleA, sampleB] = await Promise.all([waitForTilePlaying(console, idA), waitForTilePlaying(console, idB)]);
    for (const sample of [sampleA, sampleB]) {
      assert.ok(sample.endTime > sample.startTime, `video time did not advance: ${JSON.stringify(sample)}`);
      assert.ok(sample.variance > VARIANCE_THRESHOLD, `frame looks blank: ${JSON.stringify(sample)}`);
    }
    // Different clips: the two tiles must not show the same stream.
    assert.notEqual(Math.round(sampleA.mean), Math.round(sampleB.mean));
  });
});

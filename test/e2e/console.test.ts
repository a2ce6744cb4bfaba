/**
 * The camera page publishes through the real SFU and the console's tile for it plays: its video's currentTime
 * advances and a sampled frame is a picture (luminance variance above a threshold), for one camera and for two
 * cameras published from two Chromium processes at once. When a camera's producer is replaced (its page reloads and
 * publishes again, or another page takes its name over, or the media worker restarts) the console's tile plays the
 * new producer without a reload.
 */
import { spawn } from 'node:child_process';
import assert from 'node:assert/strict';
import { after, afterEach, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { fakeCameraClip, launchBrowser, logPage, startCamera, VARIANCE_THRESHOLD, waitForTilePlaying, waitUntil, type VideoSample } from '../support/browser.ts';
import { apiAs, loginAs, publishCamera } from '../support/auth.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

describe('camera page -> console', () => {
  let server: TestServer;
  const browsers: Browser[] = [];

  before(async () => {
    server = await startTestServer({ web: true });
  });
  // Each test's browsers (fake cameras, TF.js, consoles) close with it: left running, they load the 2 cores for
  // every later test.
  afterEach(async () => {
    await Promise.all(browsers.splice(0).map((browser) => browser.close().catch(() => undefined)));
  });
  after(async () => {
    await server?.close();
  });

  /**
   * Launches a browser with `clip` as its fake camera, makes a browser camera `name` and starts its page from the
   * publish link, signs in on the console as an operator and waits until the camera's tile plays. The browser is
   * closed after the suite.
   */
  async function cameraAndConsole(clip: string, name: string, options: { cameraLabel?: string; viewport?: { width: number; height: number } } = {}) {
    const browser = await launchBrowser({ fakeVideo: fakeCameraClip(clip) });
    browsers.push(browser);
    const camera = await browser.newPage();
    logPage(camera, options.cameraLabel ?? 'camera');
    const { cameraId, publishUrl } = await publishCamera(camera, server, name);
    const console = await browser.newPage(options.viewport ? { viewport: options.viewport } : undefined);
    logPage(console, 'console');
    await loginAs(console, server, 'operator');
    const sample = await waitForTilePlaying(console, cameraId);
    return { browser, camera, console, cameraId, publishUrl, sample };
  }

  test('one camera: its console tile plays a moving, non-blank picture', async () => {
    const { browser, camera, console, cameraId, sample } = await cameraAndConsole('Gituatu_nomask.mp4', 'E2E single');
    await console.waitForSelector(`article[data-camera-id="${cameraId}"][data-status="live"]`, { timeout: 60_000 });
    assertPlays(sample);
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
    const [{ cameraId: idA }, { cameraId: idB }] = await Promise.all([
      publishCamera(pageA, server, 'E2E north'),
      publishCamera(pageB, server, 'E2E south'),
    ]);
    assert.notEqual(idA, idB);

    const console = await first.newPage();
    logPage(console, 'console');
    await loginAs(console, server, 'operator');
    const [sampleA, sampleB] = await Promise.all([waitForTilePlaying(console, idA), waitForTilePlaying(console, idB)]);
    for (const sample of [sampleA, sampleB]) assertPlays(sample);
    // Different clips: the two tiles must not show the same stream.
    assert.notEqual(Math.round(sampleA.mean), Math.round(sampleB.mean));
  });

  test('draws results:frame boxes over the tile in label colours, and a tile enlarges and closes with Esc', async () => {
    const { console, cameraId } = await cameraAndConsole('Gituatu_nomask.mp4', 'E2E boxes', { viewport: { width: 1280, height: 760 } });

    // Stand in for inference: push results for this camera as the server will (frame pixels of a 640x360 frame).
    const io = server.internals.signalling.io;
    const push = setInterval(() => {
      io.emit('results:frame', {
        cameraId,
        ts: Date.now(),
        width: 640,
        height: 360,
        faces: [
          { box: [80, 60, 240, 260], label: 'no_mask', score: 0.93 },
          { box: [400, 80, 560, 280], label: 'mask', score: 0.88 },
        ],
        timings: {},
      });
    }, 200);
    try {
      const tile = `article[data-camera-id="${cameraId}"]`;
      const colours = await waitUntil('boxes drawn in red and green', async () => {
        const counts = await console.$eval(`${tile} canvas`, (element) => {
          const canvas = element as HTMLCanvasElement;
          const ctx = canvas.getContext('2d');
          if (!ctx || canvas.width === 0) return { red: 0, green: 0, amber: 0 };
          const data = ctx.getImageData(0, 0, canvas.width, canvas.height).data;
          let red = 0;
          let green = 0;
          let amber = 0;
          for (let i = 0; i < data.length; i += 4) {
            const [r, g, b, a] = [data[i] ?? 0, data[i + 1] ?? 0, data[i + 2] ?? 0, data[i + 3] ?? 0];
            if (a < 200) continue;
            if (r > 200 && g < 100 && b < 100) red++;
            else if (r < 100 && g > 150 && b < 130) green++;
            else if (r > 200 && g > 120 && b < 60) amber++;
          }
          return { red, green, amber };
        });
        return counts.red > 100 && counts.green > 100 ? counts : undefined;
      });
      assert.equal(colours.amber, 0);

      await console.click(`${tile} button[aria-label^="Enlarge"]`);
      await console.waitForSelector(`${tile}[data-focused="true"]`);
      // Enlarged over the whole grid area, beside the alerts panel and not under it.
      const [enlarged, grid, feed] = await Promise.all(
        [tile, '[data-grid]', 'aside[aria-label="Alerts"]'].map((selector) =>
          console.$eval(selector, (element) => element.getBoundingClientRect().toJSON() as DOMRect),
        ),
      );
      assert.ok(enlarged!.width >= grid!.width - 2 && enlarged!.height >= grid!.height - 2, `enlarged ${JSON.stringify(enlarged)} in ${JSON.stringify(grid)}`);
      assert.ok(enlarged!.right <= feed!.left, `the alerts panel (${feed!.left}) covers the enlarged tile (right ${enlarged!.right})`);
      if (process.env.MASKWATCH_SCREENSHOTS) await console.screenshot({ path: process.env.MASKWATCH_SCREENSHOTS + '/console-focus.png' });
      await console.keyboard.press('Escape');
      await console.waitForSelector(`${tile}[data-focused="false"]`, { timeout: 10_000 });
    } finally {
      clearInterval(push);
    }
  });

  test('a camera page reloads and publishes again: the tile plays the new producer without a console reload', async () => {
    const { camera, console, cameraId, publishUrl } = await cameraAndConsole('Gituatu_nomask.mp4', 'E2E reload');
    const first = await liveProducerOf(server, cameraId);
    await waitForTileProducer(console, cameraId, first, 30_000);
    // Marks this document: a console reload would lose it.
    await console.evaluate(() => Object.assign(window, { maskwatchNoReload: true }));

    await camera.reload();
    assert.equal(await startCamera(camera, publishUrl), cameraId);
    const second = await waitUntil('a new producer for the camera', async () => {
      const id = await liveProducerOf(server, cameraId);
      return id !== first ? id : undefined;
    });
    await waitForTileProducer(console, cameraId, second);
    const sample = await waitForTilePlaying(console, cameraId);
    assertPlays(sample);
    assert.equal(await console.evaluate(() => (window as { maskwatchNoReload?: boolean }).maskwatchNoReload), true);
    await camera.close();
  });

  test('another page opens the same publish link: the first page stops and says so, the tile plays the new page', async () => {
    const { browser, camera: original, console, cameraId, publishUrl } = await cameraAndConsole('Gituatu_mask.mp4', 'E2E takeover', { cameraLabel: 'camera 1' });
    const first = await liveProducerOf(server, cameraId);
    await console.evaluate(() => Object.assign(window, { maskwatchNoReload: true }));

    const newer = await browser.newPage();
    logPage(newer, 'camera 2');
    assert.equal(await startCamera(newer, publishUrl), cameraId);
    // The first page stops for good (republishing would take the name back) and tells why.
    await original.waitForSelector('main[data-status="stopped"][data-stopped="conflict"]', { timeout: 15_000 });
    assert.match((await original.textContent('[role="alert"][data-stopped-reason="conflict"]')) ?? '', /took over/);
    const second = await waitUntil('a new producer for the camera', async () => {
      const id = await liveProducerOf(server, cameraId);
      return id !== first ? id : undefined;
    });
    await waitForTileProducer(console, cameraId, second);
    const sample = await waitForTilePlaying(console, cameraId);
    assert.ok(sample.variance > VARIANCE_THRESHOLD, `frame looks blank: ${JSON.stringify(sample)}`);
    assert.equal(await console.evaluate(() => (window as { maskwatchNoReload?: boolean }).maskwatchNoReload), true);
    // Still the newer page's after a while: the stopped page did not publish again.
    await newer.waitForTimeout(2000);
    assert.equal(await liveProducerOf(server, cameraId), second);
    await Promise.all([original.close(), newer.close()]);
  });

  test('the producer is swapped with no gap in between: the tile follows producerId at once, not its stall detector', async () => {
    // Reloads and takeovers pass through hasVideo false or 'connecting', which alone makes a tile consume again. A
    // source that restarts without a gap only changes producerId: stand in for one with a real H.264 producer fed by
    // ffmpeg that takes the camera over in a single camera:state push (status stays live, hasVideo stays true).
    const { camera, console, cameraId } = await cameraAndConsole('Gituatu_nomask.mp4', 'E2E swap');
    await console.evaluate(() => Object.assign(window, { maskwatchNoReload: true }));

    const room = await server.internals.media.getRoom();
    const plain = await room.createPlainTransport();
    const ffmpeg = spawn('ffmpeg', [
      ...['-hide_banner', '-loglevel', 'error', '-nostdin', '-re', '-f', 'lavfi', '-i', 'testsrc=size=320x240:rate=15'],
      ...['-c:v', 'libx264', '-preset', 'ultrafast', '-profile:v', 'baseline', '-pix_fmt', 'yuv420p', '-bf', '0', '-g', '15'],
      ...['-f', 'rtp', '-payload_type', '102', '-ssrc', '777777'],
      `rtp://127.0.0.1:${plain.tuple.localPort}?rtcpport=${plain.rtcpTuple?.localPort ?? plain.tuple.localPort}&pkt_size=1200`,
    ], { stdio: 'ignore' });
    try {
      const producer = await plain.produce({
        kind: 'video',
        rtpParameters: {
          codecs: [{ mimeType: 'video/H264', payloadType: 102, clockRate: 90000, parameters: { 'packetization-mode': 1, 'profile-level-id': '42e01f' } }],
          encodings: [{ ssrc: 777777 }],
        },
        appData: { cameraId, group: room.group },
      });
      await waitUntil('RTP from ffmpeg', async () => ((await producer.getStats()).some((s) => s.byteCount > 10_000) ? true : undefined), 30_000);
      // Another publisher takes the camera over with its video in one step (the page is asked to stop; its own
      // "video stopped" is then ignored).
      server.internals.cameras.publish(cameraId, { id: 'e2e-swap', stop: () => plain.close() }, { producer, group: room.group });
      assert.equal(await liveProducerOf(server, cameraId), producer.id);
      await waitForTileProducer(console, cameraId, producer.id);
      const sample = await waitForTilePlaying(console, cameraId, 20_000);
      assertPlays(sample);
      assert.equal(await console.evaluate(() => (window as { maskwatchNoReload?: boolean }).maskwatchNoReload), true);
    } finally {
      ffmpeg.kill('SIGKILL');
      plain.close();
      await camera.close();
    }
  });

  // Last: it replaces the server's only media worker under the other tests' pages.
  test('the media worker restarts: the camera page publishes again and the console joins again by themselves', async () => {
    // Only this test's pages: the earlier tests' pages would all republish at once on a loaded machine.
    await Promise.all(browsers.splice(0).map((open) => open.close().catch(() => undefined)));
    const { camera, console, cameraId } = await cameraAndConsole('Gituatu_nomask.mp4', 'E2E worker restart');
    const first = await liveProducerOf(server, cameraId);
    await console.evaluate(() => Object.assign(window, { maskwatchNoReload: true }));

    const worker = server.internals.media.pool.workers[0];
    assert.ok(worker);
    process.kill(worker.pid, 'SIGKILL');
    // The server pushes server:error `unavailable`; both pages join again (retrying while no worker is up yet).
    const second = await waitUntil('the camera page to publish again on the new worker', async () => {
      const id = await liveProducerOf(server, cameraId);
      return id !== first ? id : undefined;
    });
    await camera.waitForSelector('main[data-status="live"]', { timeout: 30_000 }).catch(async (error: unknown) => {
      const shown = await camera.$eval('main', (main) => `${main.getAttribute('data-status')}: ${main.textContent ?? ''}`);
      throw new Error(`camera page not live again (${shown})`, { cause: error });
    });
    await console.waitForSelector('[data-link="online"]', { timeout: 30_000 });
    await waitForTileProducer(console, cameraId, second, 30_000);
    const sample = await waitForTilePlaying(console, cameraId);
    assertPlays(sample);
    assert.equal(await console.evaluate(() => (window as { maskwatchNoReload?: boolean }).maskwatchNoReload), true);
    await camera.close();
  });
});

/** The tile's video advanced and its frame is a picture. */
function assertPlays(sample: VideoSample): void {
  assert.ok(sample.endTime > sample.startTime, `video time did not advance: ${JSON.stringify(sample)}`);
  assert.ok(sample.variance > VARIANCE_THRESHOLD, `frame looks blank: ${JSON.stringify(sample)}`);
}

/** The producer behind the camera now, from the REST view; throws (for waitUntil) while it has none. */
async function liveProducerOf(server: TestServer, cameraId: string): Promise<string> {
  const response = await (await apiAs(server, 'operator'))(`/api/cameras/${cameraId}`);
  const body = (await response.json()) as { camera?: { status?: string; hasVideo?: boolean; producerId?: string | null } };
  const producerId = body.camera?.status === 'live' && body.camera.hasVideo ? body.camera.producerId : null;
  if (!producerId) throw new Error(`camera ${cameraId} has no live producer: ${JSON.stringify(body.camera)}`);
  return producerId;
}

/**
 * Waits until the tile has consumed `producerId`. By default well inside the tile's 6 s stall detector: the tile
 * must act on camera:state's new producerId, not wait for the picture to stall.
 */
async function waitForTileProducer(page: Page, cameraId: string, producerId: string, timeoutMs = 5_000): Promise<void> {
  await page.waitForSelector(`article[data-camera-id="${cameraId}"][data-producer-id="${producerId}"]`, { timeout: timeoutMs });
}

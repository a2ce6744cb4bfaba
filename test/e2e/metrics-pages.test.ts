/**
 * The console's metrics and models pages in Chromium, against a real server with the built pages.
 * - /metrics: a camera page publishes (so the camera is live); its row shows in the table, the charts are drawn
 *   (pixels in the series' colours on their canvases), and pushed samples keep arriving. Results and node stats
 *   come in through the InferenceManager's interface as in test/metrics.test.ts (the live pipeline version is
 *   test/e2e/metrics-live.test.ts).
 * - /models: the committed runs (models/runs/*, imported as `import-runs` does) are listed; opening one draws its
 *   learning curves and confusion matrix; a second one is compared; the live model's sha256 is the manifest's.
 * - The same path /metrics gives Prometheus text to a scraper and the page to a browser.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { EnhancedEmitter } from '@maskwatch/common/EnhancedEmitter';
import { importRuns } from '@maskwatch/db/importRuns';
import { TrainingRunRepository } from '@maskwatch/db/TrainingRunRepository';
import { NodeMetrics } from '@maskwatch/inference/metrics/NodeMetrics';
import type { FrameResult } from '@maskwatch/protocol/faces';
import type { NodeStats } from '@maskwatch/protocol/inference';
import { REPO_ROOT } from '@maskwatch/server/config/Config';
import { loginAs, publishCamera } from '../support/auth.ts';
import { fakeCameraClip, launchBrowser, logPage, waitUntil } from '../support/browser.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

/** Pixels of the canvas in `figure[data-chart=title]` within 40 of `rgb` on each channel (the series' stroke). */
async function chartInk(page: Page, title: string, rgb: [number, number, number]): Promise<number> {
  return page.$eval(
    `figure[data-chart="${title}"] canvas`,
    (element, target) => {
      const canvas = element as HTMLCanvasElement;
      const ctx = canvas.getContext('2d');
      if (!ctx || canvas.width === 0 || canvas.height === 0) return 0;
      const data = ctx.getImageData(0, 0, canvas.width, canvas.height).data;
      let n = 0;
      for (let i = 0; i < data.length; i += 4) {
        if ((data[i + 3] ?? 0) < 128) continue;
        if (Math.abs((data[i] ?? 0) - target[0]) < 40 && Math.abs((data[i + 1] ?? 0) - target[1]) < 40 && Math.abs((data[i + 2] ?? 0) - target[2]) < 40) n++;
      }
      return n;
    },
    rgb,
  );
}

/** The first two series colours (lib/format.ts SERIES_COLOURS); process charts start at the second. */
const BLUE: [number, number, number] = [56, 189, 248];
const GREEN: [number, number, number] = [34, 197, 94];

describe('metrics and models pages', () => {
  let server: TestServer;
  let browser: Browser | undefined;
  const node = new NodeMetrics({ nodeId: 'e2e-node' });
  const nodeStats = new Map<string, NodeStats>();
  const results = new EnhancedEmitter<{ results: [FrameResult] }>();
  let imported: string[] = [];

  before(async () => {
    server = await startTestServer({ web: true });
    server.internals.metrics.attachResults(results);
    server.internals.metrics.attachNodeStats({ nodeStats: () => nodeStats });
    imported = importRuns(new TrainingRunRepository(server.internals.db), join(REPO_ROOT, 'models', 'runs')).imported;
    browser = await launchBrowser({ fakeVideo: fakeCameraClip('Gituatu_nomask.mp4') });
  });
  after(async () => {
    await browser?.close().catch(() => undefined);
    await node.close();
    await server?.close();
  });

  test('/metrics: the live camera has its row, the charts are drawn, new samples arrive', async () => {
    assert.ok(browser);
    const camera = await browser.newPage();
    logPage(camera, 'camera');
    const { cameraId } = await publishCamera(camera, server, 'E2E metrics');

    // A node analysing the camera: its stats, and results reaching the server.
    node.cameraStatus(cameraId, 'running');
    let seq = 0;
    const feed = setInterval(() => {
      node.frameDecoded(cameraId);
      node.frameDecoded(cameraId);
      node.frameAnalysed(cameraId, { detectMs: 30, classifyMs: 5, trackMs: 1 });
      nodeStats.set('e2e-node', node.stats());
      results.safeEmit('results', {
        cameraId,
        ts: Date.now() - 150,
        seq: seq++,
        width: 640,
        height: 360,
        faces: [{ box: [10, 10, 90, 90], label: 'no_mask', score: 0.9, trackId: 1, trackLabel: 'no_mask', trackScore: 0.9, trackAge: seq }],
        timings: { decodeMs: 30, queueMs: 1, detectMs: 30, classifyMs: 5, trackMs: 1, totalMs: 80, emitMs: 150 },
      });
    }, 200);
    const metrics = server.internals.metrics;
    // Samples every 5 s in production; here a few at once so the charts have lines.
    const sampler = setInterval(() => void metrics.sampleNow(), 400);
    try {
      await new Promise((resolve) => setTimeout(resolve, 1500));
      const page = await browser.newPage({ viewport: { width: 1400, height: 1800 } });
      logPage(page, 'metrics');
      await loginAs(page, server, 'operator', '/metrics');
      const row = `tr[data-camera-id="${cameraId}"]`;
      await page.waitForSelector(`${row}[data-status="live"]`, { timeout: 30_000 });
      await waitUntil('the row to show analysed fps', async () => {
        const fps = Number(await page.getAttribute(row, 'data-analysed-fps'));
        return fps > 0 ? fps : undefined;
      }, 30_000);
      assert.match((await page.textContent(row)) ?? '', /E2E metrics/);
      // The latency percentiles come with a later sample than the first analysed fps (a loaded run saw "—").
      await waitUntil('the row to show the p50 latency of the results (150 ms)', async () => (/150 ms/.test((await page.textContent(row)) ?? '') ? true : undefined), 30_000);

      // Charts with data, and their lines drawn.
      for (const [title, rgb] of [
        ['Inference throughput', BLUE],
        ['Host CPU', BLUE],
        ['Process CPU (% of one core)', GREEN],
        ['Host memory', BLUE],
        ['Capture to viewer, p95', BLUE],
      ] as const) {
        await waitUntil(`chart "${title}" drawn`, async () => {
          const points = Number(await page.getAttribute(`figure[data-chart="${title}"]`, 'data-points'));
          const ink = await chartInk(page, title, rgb);
          return points > 2 && ink > 30 ? ink : undefined;
        }, 30_000);
      }
      if (process.env.MASKWATCH_SCREENSHOTS) await page.screenshot({ path: `${process.env.MASKWATCH_SCREENSHOTS}/metrics.png`, fullPage: true });

      // Pushed samples keep coming without a reload.
      const before = Number(await page.getAttribute('main', 'data-samples'));
      await waitUntil('a pushed sample', async () => {
        const now = Number(await page.getAttribute('main', 'data-samples'));
        return now > before ? now : undefined;
      }, 20_000);
      await page.close();
    } finally {
      clearInterval(feed);
      clearInterval(sampler);
      await camera.close();
    }
  });

  test('/models: lists the committed runs, draws a run and compares two; shows the live model', async () => {
    assert.ok(browser);
    assert.ok(imported.length >= 2, `committed runs: ${imported.join(', ')}`);
    const page = await browser.newPage({ viewport: { width: 1400, height: 1800 } });
    logPage(page, 'models');
    await loginAs(page, server, 'operator', '/models');
    await page.waitForSelector('tr[data-run-id]', { timeout: 30_000 });
    const listed = await page.$$eval('tr[data-run-id]', (rows) => rows.map((row) => row.getAttribute('data-run-id')));
    assert.deepEqual([...listed].sort(), [...imported].sort());

    const manifest = JSON.parse(readFileSync(join(REPO_ROOT, 'models', 'manifest.json'), 'utf8')) as {
      default: { classifier: string };
      models: Record<string, { sha256: string }>;
    };
    const sha = manifest.models[manifest.default.classifier]?.sha256 ?? '';
    await page.waitForSelector(`[data-live-model="classifier"] [data-sha256="${sha}"]`);

    const [first, second] = imported;
    assert.ok(first && second);
    await page.click(`tr[data-run-id="${first}"]`);
    await page.waitForSelector(`[data-run-detail="${first}"]`);
    await waitUntil('the learning curves drawn', async () => {
      const points = Number(await page.getAttribute('figure[data-chart="Loss"]', 'data-points'));
      const ink = await chartInk(page, 'Loss', BLUE);
      return points > 2 && ink > 30 ? ink : undefined;
    }, 20_000);
    assert.ok(Number(await page.getAttribute('figure[data-chart="System usage: CPU and RAM (%)"]', 'data-points')) > 10);
    const cells = await page.$$eval('table[data-confusion] td', (tds) => tds.map((td) => Number(td.textContent)));
    assert.equal(cells.length, 9);
    assert.ok(cells.reduce((sum, n) => sum + n, 0) > 100, 'the validation counts');
    assert.ok(page.url().includes(`run=${first}`), 'the open run is in the URL');

    await page.check(`input[aria-label="Compare ${second}"]`);
    await page.waitForSelector(`[data-run-detail="${first} ${second}"]`);
    assert.equal(await page.locator('table[data-confusion]').count(), 2);
    if (process.env.MASKWATCH_SCREENSHOTS) await page.screenshot({ path: `${process.env.MASKWATCH_SCREENSHOTS}/models.png`, fullPage: true });
    await page.close();
  });

  test('GET /metrics: Prometheus text to a scraper, the page to a browser', async () => {
    const scraped = await fetch(`${server.url}/metrics`, { headers: { accept: 'text/plain;version=0.0.4;q=0.9,*/*;q=0.1' } });
    assert.match(scraped.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
    assert.match(await scraped.text(), /^maskwatch_mediasoup_workers 1$/m);
    const curl = await fetch(`${server.url}/metrics`, { headers: { accept: '*/*' } });
    assert.match(await curl.text(), /^# HELP /m);
    const page = await fetch(`${server.url}/metrics`, { headers: { accept: 'text/html,application/xhtml+xml' } });
    assert.match(page.headers.get('content-type') ?? '', /text\/html/);
    assert.match(await page.text(), /<html/);
  });
});

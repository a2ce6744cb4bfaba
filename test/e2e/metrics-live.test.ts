/**
 * Metrics of the live pipeline, all real: an RTSP camera (GStreamer RTSP server + ffmpeg looping a shared clip),
 * the server, an inference node process serving its own `/metrics`, a real Prometheus scraping both, and the
 * console's metrics page in Chromium.
 * - Prometheus's HTTP API: `up == 1` for the server and the node; the camera's analysed fps > 0; the latency
 *   histograms (the node's stages, the server's capture-to-viewer) have samples.
 * - `promtool check metrics` passes on both endpoints.
 * - /metrics in Chromium: the camera's row (live, analysis running, analysed fps > 0) and non-empty charts.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser } from 'playwright-core';
import type { CameraResponse } from '@maskwatch/protocol/http';
import { launchBrowser, logPage, waitUntil } from '../support/browser.ts';
import { startInferenceNode, type InferenceNodeProcess } from '../support/inferenceNode.ts';
import { promtoolCheck, startPrometheus, type Prometheus } from '../support/prometheus.ts';
import { freeTcpPort, SHARED_DIR, startRtspSource, type RtspSource } from '../support/rtsp.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import { apiAs, loginAs } from '../support/auth.ts';

describe('metrics of a live camera: Prometheus, promtool and the metrics page', () => {
  let source: RtspSource;
  let server: TestServer;
  let node: InferenceNodeProcess | undefined;
  let nodeMetricsUrl: string;
  let prometheus: Prometheus | undefined;
  let browser: Browser | undefined;
  let cameraId: string;

  before(async () => {
    source = await startRtspSource(join(SHARED_DIR, 'videos', 'Gituatu_nomask.mp4'));
    server = await startTestServer({ web: true });
    const created = await (await apiAs(server, 'admin'))('/api/cameras', {
      method: 'POST',
      json: { kind: 'rtsp', name: 'Live gate', rtspUrl: source.url },
    });
    assert.equal(created.status, 201);
    cameraId = ((await created.json()) as CameraResponse).camera.id;
    const metricsPort = await freeTcpPort();
    nodeMetricsUrl = `http://127.0.0.1:${metricsPort}/metrics`;
    node = await startInferenceNode({
      serverUrl: server.url,
      dataDir: server.dataDir,
      nodeId: 'metrics-node',
      env: { MASKWATCH_NODE_METRICS_PORT: String(metricsPort) },
    });
    prometheus = await startPrometheus({ 'maskwatch-server': server.url, 'maskwatch-node': `http://127.0.0.1:${metricsPort}` });
  });
  after(async () => {
    await browser?.close().catch(() => undefined);
    await prometheus?.close();
    await node?.close();
    await server?.close();
    await source?.stop();
  });

  test('the camera is analysed', async () => {
    await waitUntil('the analysis to run', async () => {
      const body = (await (await (await apiAs(server, 'operator'))(`/api/cameras/${cameraId}`)).json()) as CameraResponse;
      return body.camera.analysis.status === 'running' ? true : undefined;
    }, 90_000);
  });

  test('Prometheus: up == 1 for both, analysed fps > 0, latency histograms with samples', async () => {
    assert.ok(prometheus);
    await prometheus.waitFor('up{job="maskwatch-server"} == 1');
    await prometheus.waitFor('up{job="maskwatch-node"} == 1');
    await prometheus.waitFor(`maskwatch_inference_analysed_frames_per_second{job="maskwatch-node",camera="${cameraId}"} > 0`, 60_000);
    await prometheus.waitFor(`rate(maskwatch_inference_frames_analysed_total{camera="${cameraId}"}[10s]) > 0`, 60_000);
    await prometheus.waitFor(`maskwatch_camera_analysed_frames_per_second{job="maskwatch-server",camera="${cameraId}"} > 0`, 60_000);
    await prometheus.waitFor('maskwatch_inference_stage_seconds_count{stage="detect"} > 0');
    await prometheus.waitFor(`maskwatch_capture_to_viewer_seconds_count{camera="${cameraId}"} > 0`);
    const p95 = await prometheus.waitFor(
      `histogram_quantile(0.95, sum by (le) (rate(maskwatch_capture_to_viewer_seconds_bucket{camera="${cameraId}"}[30s])))`,
    );
    assert.ok(Number.isFinite(p95[0]?.value), `p95 ${JSON.stringify(p95)}`);
    await prometheus.waitFor('maskwatch_inference_faces_total > 0');
  });

  test('promtool check metrics passes on the server and the node', async () => {
    await promtoolCheck(await (await fetch(`${server.url}/metrics`)).text());
    await promtoolCheck(await (await fetch(nodeMetricsUrl)).text());
  });

  test("the metrics page shows the camera's row and draws its charts", async () => {
    browser = await launchBrowser();
    const page = await browser.newPage({ viewport: { width: 1400, height: 1600 } });
    logPage(page, 'metrics');
    await loginAs(page, server, 'operator', '/metrics');
    const row = `tr[data-camera-id="${cameraId}"][data-status="live"][data-analysis="running"]`;
    await page.waitForSelector(row, { timeout: 30_000 });
    await waitUntil('analysed fps in the row', async () => {
      const fps = Number(await page.getAttribute(row, 'data-analysed-fps'));
      return fps > 0 ? fps : undefined;
    }, 30_000);
    for (const title of ['Inference throughput', 'Capture to viewer, p95', 'Host CPU']) {
      await waitUntil(`chart "${title}" with data`, async () => {
        const points = Number(await page.getAttribute(`figure[data-chart="${title}"]`, 'data-points'));
        return points > 0 ? points : undefined;
      }, 30_000);
    }
    if (process.env.MASKWATCH_SCREENSHOTS) await page.screenshot({ path: `${process.env.MASKWATCH_SCREENSHOTS}/metrics-live.png`, fullPage: true });
  });
});

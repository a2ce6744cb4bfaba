/**
 * A real Prometheus (Debian's package) scrapes a real server and an inference node's metrics endpoint: `up == 1` for
 * both, the node's analysed fps and the server's latency histogram come through its HTTP API, and promtool accepts
 * both endpoints. The node's endpoint is NodeMetrics as the node process serves it, counting frames as the node
 * reports them, and the server's results come in through the InferenceManager's interface (see test/metrics.test.ts);
 * the same check against the live pipeline (a camera analysed by a real node) is test/e2e/metrics-live.test.ts.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { EnhancedEmitter } from '@maskwatch/common/EnhancedEmitter';
import { NodeMetrics } from '@maskwatch/inference/metrics/NodeMetrics';
import type { FrameResult } from '@maskwatch/protocol/faces';
import { promtoolCheck, startPrometheus, type Prometheus } from './support/prometheus.ts';
import { startTestServer, type TestServer } from './support/server.ts';

describe('Prometheus scrapes the server and an inference node', () => {
  let server: TestServer;
  let node: NodeMetrics;
  let nodeUrl: string;
  let prometheus: Prometheus;
  let feed: NodeJS.Timeout | undefined;
  const cameraId = 'prom-cam';

  before(async () => {
    server = await startTestServer();
    node = new NodeMetrics({ nodeId: 'prom-node' });
    await node.start();
    ({ url: nodeUrl } = await node.serve('127.0.0.1', 0));
    const results = new EnhancedEmitter<{ results: [FrameResult] }>();
    server.internals.metrics.attachResults(results);
    server.internals.metrics.attachNodeStats({ nodeStats: () => new Map([['prom-node', node.stats()]]) });
    // 10 analysed frames a second, as a node analysing one camera sends them.
    let seq = 0;
    feed = setInterval(() => {
      node.frameDecoded(cameraId);
      node.frameAnalysed(cameraId, { decodeMs: 25, queueMs: 1, detectMs: 35, classifyMs: 7, trackMs: 1, totalMs: 70 });
      node.faces('mask', 1);
      results.safeEmit('results', {
        cameraId,
        ts: Date.now() - 120,
        seq: seq++,
        width: 640,
        height: 360,
        faces: [{ box: [1, 1, 50, 50], label: 'mask', score: 0.9, trackId: 1, trackLabel: 'mask', trackScore: 0.9, trackAge: seq }],
        timings: { decodeMs: 25, queueMs: 1, detectMs: 35, classifyMs: 7, trackMs: 1, totalMs: 70, emitMs: 120 },
      });
    }, 100);
    prometheus = await startPrometheus({ 'maskwatch-server': server.url, 'maskwatch-node': new URL(nodeUrl).origin });
  });
  after(async () => {
    clearInterval(feed);
    await prometheus?.close();
    await node?.close();
    await server?.close();
  });

  test('up == 1 for both targets', async () => {
    await prometheus.waitFor('up{job="maskwatch-node"} == 1');
    await prometheus.waitFor('up{job="maskwatch-server"} == 1');
    const targets = await prometheus.targets();
    assert.deepEqual(targets.map((t) => [t.job, t.health]).sort(), [
      ['maskwatch-node', 'up'],
      ['maskwatch-server', 'up'],
    ]);
  });

  test("the camera's analysed fps is above zero, from the node and through the server", async () => {
    // Rates, not timings: the feed's pace on a loaded machine is not asserted, only that frames are counted.
    const rate = await prometheus.waitFor(`rate(maskwatch_inference_frames_analysed_total{camera="${cameraId}"}[5s]) > 0`);
    assert.equal(rate[0]?.metric.job, 'maskwatch-node');
    await prometheus.waitFor(`maskwatch_inference_analysed_frames_per_second{job="maskwatch-node",camera="${cameraId}"} > 0`);
    await prometheus.waitFor(`maskwatch_camera_analysed_frames_per_second{job="maskwatch-server",camera="${cameraId}"} > 0`);
  });

  test('the latency histograms have samples', async () => {
    const [count] = (await prometheus.waitFor(`maskwatch_capture_to_viewer_seconds_count{camera="${cameraId}"} > 10`)).map((r) => r.value);
    assert.ok(count !== undefined && count > 10);
    const [p95] = (await prometheus.waitFor(`histogram_quantile(0.95, sum by (le) (rate(maskwatch_capture_to_viewer_seconds_bucket[10s]))) > 0`)).map((r) => r.value);
    // Every result is 120 ms old: p95 lies in the 100..150 ms bucket.
    assert.ok(p95 !== undefined && p95 > 0.1 && p95 <= 0.15, `p95 ${p95}`);
    const [detect] = (await prometheus.waitFor('maskwatch_inference_stage_seconds_count{stage="detect"} > 0')).map((r) => r.value);
    assert.ok(detect !== undefined && detect > 0);
  });

  test('promtool check metrics passes on both endpoints', async () => {
    await promtoolCheck(await (await fetch(`${server.url}/metrics`)).text());
    await promtoolCheck(await (await fetch(nodeUrl)).text());
  });
});

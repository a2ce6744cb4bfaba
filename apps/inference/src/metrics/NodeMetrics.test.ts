import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { after, before, describe, test } from 'node:test';
import { NodeStatsSchema } from '@maskwatch/protocol/inference';
import { NodeMetrics } from './NodeMetrics.ts';

/** promtool (Debian's prometheus package, infra/apt-packages.txt) lints the exposition format. */
function promtoolCheck(text: string): void {
  execFileSync('promtool', ['check', 'metrics'], { input: text, stdio: ['pipe', 'pipe', 'pipe'] });
}

describe('NodeMetrics', () => {
  let metrics: NodeMetrics;
  let url: string;

  before(async () => {
    metrics = new NodeMetrics({ nodeId: 'node-test', windowMs: 5000 });
    await metrics.start();
    ({ url } = await metrics.serve('127.0.0.1', 0));
  });
  after(async () => {
    await metrics.close();
    await metrics.close();
  });

  test('counts frames per camera into node:stats and the Prometheus endpoint, which promtool accepts', async () => {
    metrics.cameraStatus('cam-1', 'running');
    for (let i = 0; i < 20; i++) metrics.frameDecoded('cam-1');
    for (let i = 0; i < 5; i++) {
      metrics.frameAnalysed('cam-1', { decodeMs: 30, queueMs: 2, detectMs: 40, classifyMs: 8, trackMs: 1, totalMs: 85 });
      metrics.faces('no_mask', 2);
    }
    metrics.frameDropped('cam-1', 'stale');
    metrics.frameDropped('cam-1', 'stale');
    metrics.decoderRestarted('cam-1');
    metrics.frameDecoded('cam-2');

    const stats = NodeStatsSchema.parse(metrics.stats());
    const cam1 = stats.cameras.find((c) => c.cameraId === 'cam-1');
    assert.ok(cam1);
    assert.equal(cam1.status, 'running');
    // Less than a second since the first frame: rates are over one second.
    assert.ok(cam1.inputFps >= 19 && cam1.inputFps <= 20, `inputFps ${cam1.inputFps}`);
    assert.ok(cam1.analysedFps >= 4 && cam1.analysedFps <= 5, `analysedFps ${cam1.analysedFps}`);
    assert.deepEqual(cam1.dropped, { stale: 2 });
    assert.equal(cam1.decoderRestarts, 1);
    assert.equal(stats.cameras.find((c) => c.cameraId === 'cam-2')?.status, 'starting');
    assert.ok(stats.busy > 0 && stats.busy <= 1);
    assert.ok(stats.process.rssBytes > 0);

    const response = await fetch(url);
    assert.equal(response.status, 200);
    assert.match(response.headers.get('content-type') ?? '', /text\/plain/);
    const text = await response.text();
    promtoolCheck(text);
    assert.match(text, /^maskwatch_inference_frames_analysed_total\{camera="cam-1"\} 5$/m);
    assert.match(text, /^maskwatch_inference_frames_dropped_total\{camera="cam-1",reason="stale"\} 2$/m);
    assert.match(text, /^maskwatch_inference_stage_seconds_count\{stage="detect"\} 5$/m);
    assert.match(text, /^maskwatch_inference_stage_seconds_bucket\{le="0.05",stage="detect"\} 5$/m);
    assert.match(text, /^maskwatch_inference_faces_total\{label="no_mask"\} 10$/m);
    assert.match(text, /^maskwatch_inference_camera_status\{camera="cam-1",status="running"\} 1$/m);
    assert.match(text, /^maskwatch_inference_node_info\{node="node-test"\} 1$/m);
    assert.match(text, /^process_cpu_seconds_total /m);
    assert.doesNotMatch(text, /track_?id=|track=/i, 'no track ids or per-track series');
  });

  test('a released camera leaves no series behind', async () => {
    metrics.frameDecoded('cam-3');
    metrics.frameDropped('cam-3', 'decode_error');
    metrics.cameraReleased('cam-3');
    const text = await (await fetch(url)).text();
    assert.doesNotMatch(text, /camera="cam-3"/);
    assert.equal(metrics.stats().cameras.some((c) => c.cameraId === 'cam-3'), false);
  });

  test('only /metrics is served', async () => {
    const response = await fetch(new URL('/other', url));
    assert.equal(response.status, 404);
  });
});

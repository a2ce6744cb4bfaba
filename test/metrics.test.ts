/**
 * The server's metrics over HTTP and socket.io with a real server (mediasoup worker, SQLite): `GET /metrics` passes
 * `promtool check metrics` and counts what exists (workers, sockets, mediasoup objects, cameras); results and
 * inference node stats show up per camera in the Prometheus text, in the history REST and in `metrics:update`
 * pushes; the history stays bounded; the models page's REST (training runs, live model).
 *
 * Results and node stats reach ServerMetrics through the small interfaces the InferenceManager fills at run time
 * (`attachResults`, `attachNodeStats`). Here an emitter feeds results as the manager does, and the node stats are a
 * real NodeMetrics's `stats()`; the live pipeline end to end is test/e2e/metrics-live.test.ts.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { EnhancedEmitter } from '@maskwatch/common/EnhancedEmitter';
import { importRuns } from '@maskwatch/db/importRuns';
import { TrainingRunRepository } from '@maskwatch/db/TrainingRunRepository';
import { NodeMetrics } from '@maskwatch/inference/metrics/NodeMetrics';
import type { FrameResult } from '@maskwatch/protocol/faces';
import type { NodeStats } from '@maskwatch/protocol/inference';
import { MetricsHistoryResponseSchema, MetricsSampleSchema } from '@maskwatch/protocol/metrics';
import { LiveModelsResponseSchema, TrainingRunListResponseSchema, TrainingRunResponseSchema } from '@maskwatch/protocol/modelRuns';
import { REPO_ROOT } from '@maskwatch/server/config/Config';
import { call, nextEvent, request, type ClientSocket } from './support/client.ts';
import { startTestServer, type TestServer } from './support/server.ts';
import { apiAs, connectViewer, joinedCamera } from './support/auth.ts';

function promtoolCheck(text: string): void {
  execFileSync('promtool', ['check', 'metrics'], { input: text, stdio: ['pipe', 'pipe', 'pipe'] });
}

/** The value of one series in Prometheus text (`name{labels}`), or undefined. */
function seriesValue(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

function result(cameraId: string, seq: number, emitMs: number): FrameResult {
  return {
    cameraId,
    ts: Date.now() - emitMs,
    seq,
    width: 640,
    height: 360,
    faces: [
      { box: [10, 10, 80, 90], label: 'no_mask', score: 0.9, trackId: 1, trackLabel: 'no_mask', trackScore: 0.85, trackAge: seq + 1 },
      { box: [200, 10, 280, 90], label: 'mask', score: 0.8, trackId: 2, trackLabel: null, trackScore: null, trackAge: 1 },
    ],
    timings: { decodeMs: 20, queueMs: 1, detectMs: 30, classifyMs: 6, trackMs: 1, totalMs: 60, emitMs },
    nodeId: 'node-a',
  };
}

describe('server metrics', () => {
  let server: TestServer;
  let viewer: ClientSocket;
  let cameraId: string;
  const results = new EnhancedEmitter<{ results: [FrameResult] }>();
  const node = new NodeMetrics({ nodeId: 'node-a' });
  const nodeStats = new Map<string, NodeStats>();

  before(async () => {
    server = await startTestServer();
    viewer = await connectViewer(server, 'operator');
    await call(viewer, 'viewer:join', {});
    const created = await (await apiAs(server, 'admin'))('/api/cameras', {
      method: 'POST',
      json: { kind: 'browser', name: 'Metrics door' },
    });
    cameraId = ((await created.json()) as { camera: { id: string } }).camera.id;
    server.internals.metrics.attachResults(results);
    server.internals.metrics.attachNodeStats({ nodeStats: () => nodeStats });
  });
  after(async () => {
    viewer?.close();
    await node.close();
    await server?.close();
  });

  test('GET /metrics: promtool accepts it; workers, sockets, cameras and mediasoup objects are counted', async () => {
    // A producer and a consumer on plain transports, as RTSP ingest and the inference manager make them.
    const room = await server.internals.media.getRoom();
    const transport = await room.createPlainTransport();
    const producer = await transport.produce({
      kind: 'video',
      rtpParameters: {
        codecs: [{ mimeType: 'video/VP8', payloadType: 101, clockRate: 90000 }],
        encodings: [{ ssrc: 1111 }],
      },
    });
    const consumerTransport = await room.createPlainTransport();
    const consumer = await consumerTransport.consume({ producerId: producer.id, rtpCapabilities: room.rtpCapabilities, paused: true });
    try {
      const response = await fetch(`${server.url}/metrics`);
      assert.equal(response.status, 200);
      assert.match(response.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
      const text = await response.text();
      promtoolCheck(text);
      assert.equal(seriesValue(text, 'maskwatch_mediasoup_workers'), 1);
      assert.equal(seriesValue(text, 'maskwatch_socket_connections{role="viewer"}'), 1);
      assert.equal(seriesValue(text, 'maskwatch_cameras{status="offline"}'), 1);
      assert.equal(seriesValue(text, 'maskwatch_mediasoup_producers{transport="plain"}'), 1);
      assert.equal(seriesValue(text, 'maskwatch_mediasoup_consumers{transport="plain"}'), 1);
      assert.ok((seriesValue(text, 'maskwatch_mediasoup_worker_cpu_seconds_total{worker="0"}') ?? 0) > 0);
      assert.ok((seriesValue(text, 'maskwatch_mediasoup_worker_resident_memory_bytes{worker="0"}') ?? 0) > 1e6);
      assert.ok(seriesValue(text, 'nodejs_eventloop_lag_seconds') !== undefined);
      assert.ok(seriesValue(text, 'process_resident_memory_bytes') !== undefined);
      assert.match(text, new RegExp(`^maskwatch_camera_info\\{camera="${cameraId}",name="Metrics door",kind="browser"\\} 1$`, 'm'));
    } finally {
      consumer.close();
      producer.close();
      consumerTransport.close();
      transport.close();
    }
    const after = await (await fetch(`${server.url}/metrics`)).text();
    assert.equal(seriesValue(after, 'maskwatch_mediasoup_producers{transport="plain"}'), 0, 'closed objects are no longer counted');
    assert.equal(seriesValue(after, 'maskwatch_mediasoup_consumers{transport="plain"}'), 0);
  });

  test('results and node stats: per-camera rows in the sample, the history REST, the push and the Prometheus text', async () => {
    const subscribed = await call(viewer, 'metrics:subscribe', {});
    assert.equal(subscribed.intervalMs, 5000);
    // The node's own figures, as it will send them in node:stats.
    node.cameraStatus(cameraId, 'running');
    for (let i = 0; i < 30; i++) node.frameDecoded(cameraId);
    for (let i = 0; i < 10; i++) node.frameAnalysed(cameraId, { detectMs: 30, classifyMs: 6, trackMs: 1 });
    node.frameDropped(cameraId, 'stale');
    nodeStats.set('node-a', node.stats());
    // Ten results with capture-to-viewer latencies 100..190 ms.
    for (let i = 0; i < 10; i++) results.safeEmit('results', result(cameraId, i, 100 + i * 10));

    const pushed = nextEvent(viewer, 'metrics:update');
    const sample = await server.internals.metrics.sampleNow();
    assert.ok(sample);
    const update = MetricsSampleSchema.parse(await pushed);
    assert.equal(update.at, sample.at);

    const row = update.cameras.find((c) => c.cameraId === cameraId);
    assert.ok(row, 'the camera has a row');
    assert.equal(row.name, 'Metrics door');
    assert.equal(row.nodeId, 'node-a');
    assert.ok(row.inputFps !== null && row.inputFps > 0);
    assert.ok(row.analysedFps !== null && row.analysedFps > 0);
    assert.ok(row.resultsFps > 0);
    assert.equal(row.dropped, 1);
    assert.deepEqual(row.droppedByReason, { stale: 1 });
    assert.equal(row.latencyP50Ms, 145);
    assert.ok(row.latencyP95Ms !== null && row.latencyP95Ms > 180 && row.latencyP95Ms <= 190);
    assert.equal(row.faces, 2);
    assert.deepEqual(update.facesInView, { mask: 0, no_mask: 1, incorrect: 0, undecided: 1 });
    assert.equal(update.inference.nodes[0]?.nodeId, 'node-a');
    assert.ok(update.inference.framesPerSecond > 0);
    assert.ok(update.processes.some((p) => p.id === 'server' && p.kind === 'server' && (p.rssBytes ?? 0) > 0));
    assert.ok(update.processes.some((p) => p.id === 'worker-0' && p.kind === 'mediasoup-worker'));
    assert.ok(update.processes.some((p) => p.id === 'node-node-a' && p.kind === 'inference-node'));
    assert.ok(update.host.memoryTotalBytes > 0 && update.host.cores >= 1);

    const history = MetricsHistoryResponseSchema.parse(await (await (await apiAs(server, 'operator'))(`/api/metrics/history`)).json());
    assert.equal(history.intervalMs, 5000);
    assert.equal(history.capacity, 720);
    assert.equal(history.samples.at(-1)?.at, sample.at);
    const since = MetricsHistoryResponseSchema.parse(await (await (await apiAs(server, 'operator'))(`/api/metrics/history?since=${sample.at}`)).json());
    assert.equal(since.samples.length, 0);
    const bad = await (await apiAs(server, 'operator'))(`/api/metrics/history?since=yesterday`);
    assert.equal(bad.status, 400);
    assert.equal(((await bad.json()) as { error: { code: string } }).error.code, 'bad_request');

    const text = await (await fetch(`${server.url}/metrics`)).text();
    promtoolCheck(text);
    assert.equal(seriesValue(text, `maskwatch_results_total{camera="${cameraId}"}`), 10);
    assert.equal(seriesValue(text, `maskwatch_capture_to_viewer_seconds_count{camera="${cameraId}"}`), 10);
    assert.equal(seriesValue(text, `maskwatch_capture_to_viewer_seconds_bucket{le="0.15",camera="${cameraId}"}`), 6);
    assert.equal(seriesValue(text, 'maskwatch_frame_stage_seconds_count{stage="detect"}'), 10);
    // emit = capture to viewers minus capture to the node's result: 40..130 ms.
    assert.equal(seriesValue(text, 'maskwatch_frame_stage_seconds_count{stage="emit"}'), 10);
    assert.equal(seriesValue(text, 'maskwatch_face_detections_total{label="no_mask"}'), 10);
    assert.equal(seriesValue(text, 'maskwatch_faces_in_view{label="undecided"}'), 1);
    assert.ok((seriesValue(text, `maskwatch_camera_analysed_frames_per_second{camera="${cameraId}"}`) ?? 0) > 0);
    assert.equal(seriesValue(text, `maskwatch_camera_frames_dropped_total{camera="${cameraId}",reason="stale"}`), 1);
    assert.equal(seriesValue(text, 'maskwatch_inference_nodes'), 1);
    assert.doesNotMatch(text, /track_?id=/i, 'no per-track series');

    // A camera page may not subscribe.
    const { socket: camera } = await joinedCamera(server, 'Metrics porch');
    try {
      const refused = await request(camera, 'metrics:subscribe', {});
      assert.equal(refused.ok, false);
    } finally {
      camera.close();
    }
  });

  test('alerts raised are counted by label; their later changes are not', async () => {
    // The AlertService's `alert` event, as it emits it after each database write.
    const alerts = new EnhancedEmitter<{ alert: [{ change: string; alert: { label: string } }] }>();
    server.internals.metrics.attachAlerts(alerts);
    alerts.safeEmit('alert', { change: 'raised', alert: { label: 'no_mask' } });
    alerts.safeEmit('alert', { change: 'reminded', alert: { label: 'no_mask' } });
    alerts.safeEmit('alert', { change: 'raised', alert: { label: 'incorrect' } });
    alerts.safeEmit('alert', { change: 'resolved', alert: { label: 'incorrect' } });
    const text = await (await fetch(`${server.url}/metrics`)).text();
    assert.equal(seriesValue(text, 'maskwatch_alerts_total{label="no_mask"}'), 1);
    assert.equal(seriesValue(text, 'maskwatch_alerts_total{label="incorrect"}'), 1);
  });

  test('a removed camera leaves no per-camera series behind', async () => {
    const response = await (await apiAs(server, 'admin'))(`/api/cameras/${cameraId}`, { method: 'DELETE' });
    assert.equal(response.status, 204);
    nodeStats.clear();
    const text = await (await fetch(`${server.url}/metrics`)).text();
    assert.doesNotMatch(text, new RegExp(`camera="${cameraId}"`));
  });

  test('the history keeps one hour: bounded at 720 samples however many are taken', async () => {
    const metrics = server.internals.metrics;
    for (let i = 0; i < 730; i++) await metrics.sampleNow();
    assert.equal(metrics.history.length, 720);
    const history = MetricsHistoryResponseSchema.parse(await (await (await apiAs(server, 'operator'))(`/api/metrics/history`)).json());
    assert.equal(history.samples.length, 720);
    const times = history.samples.map((s) => s.at);
    assert.deepEqual(times, [...times].sort((a, b) => a - b), 'oldest first');
  });

  test('GET /metrics is GET only', async () => {
    const response = await fetch(`${server.url}/metrics`, { method: 'POST' });
    assert.equal(response.status, 405);
    const head = await fetch(`${server.url}/metrics`, { method: 'HEAD' });
    assert.equal(head.status, 200);
  });

  test('models REST: the committed training runs, one run in full, the live model from the manifest', async () => {
    const imported = importRuns(new TrainingRunRepository(server.internals.db), join(REPO_ROOT, 'models', 'runs'));
    assert.deepEqual(imported.failed, []);
    assert.ok(imported.imported.length >= 1);

    const list = TrainingRunListResponseSchema.parse(await (await (await apiAs(server, 'operator'))(`/api/training-runs`)).json());
    assert.deepEqual(list.runs.map((r) => r.id).sort(), [...imported.imported].sort());
    const first = list.runs[0];
    assert.ok(first && first.epochs > 0);
    const one = TrainingRunResponseSchema.parse(await (await (await apiAs(server, 'operator'))(`/api/training-runs/${first.id}`)).json());
    assert.equal(one.run.epochs.length, first.epochs);
    const series = (one.run.system as { series?: unknown[] } | null | undefined)?.series;
    assert.ok(Array.isArray(series) && series.length > 10, 'system usage over time imported from system.jsonl');

    assert.equal((await (await apiAs(server, 'operator'))(`/api/training-runs/no-such-run`)).status, 404);
    assert.equal((await (await apiAs(server, 'operator'))(`/api/training-runs/${encodeURIComponent('../etc')}`)).status, 400);

    const live = LiveModelsResponseSchema.parse(await (await (await apiAs(server, 'operator'))(`/api/models/live`)).json());
    const { readFileSync } = await import('node:fs');
    const manifest = JSON.parse(readFileSync(join(REPO_ROOT, 'models', 'manifest.json'), 'utf8')) as {
      default: { classifier: string };
      models: Record<string, { sha256: string }>;
    };
    const classifier = live.models.find((m) => m.role === 'classifier');
    assert.equal(classifier?.name, manifest.default.classifier);
    assert.equal(classifier?.sha256, manifest.models[manifest.default.classifier]?.sha256);
    assert.equal(live.manifest, 'models/manifest.json');
  });
});

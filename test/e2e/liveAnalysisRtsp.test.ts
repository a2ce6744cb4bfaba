/**
 * Live analysis across processes with real components: an RTSP camera (GStreamer RTSP server + ffmpeg feeding a
 * shared clip) ingested into mediasoup, a real inference node process (ffmpeg decoder, ONNX in a worker thread,
 * tracker), results pushed to a socket.io viewer.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createSocket, type Socket } from 'node:dgram';
import { join } from 'node:path';
import type { CameraView } from '@maskwatch/protocol/camera';
import type { FrameResult } from '@maskwatch/protocol/faces';
import { apiAs, connectViewer } from '../support/auth.ts';
import { call, waitFor, type ClientSocket } from '../support/client.ts';
import { startInferenceNode, type InferenceNodeProcess } from '../support/inferenceNode.ts';
import { childrenOf } from '../support/processes.ts';
import { SHARED_DIR, startRtspSource, type RtspSource } from '../support/rtsp.ts';
import { createRtspCamera } from '../support/rtspCamera.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

const NOMASK = join(SHARED_DIR, 'videos', 'Gituatu_nomask.mp4');
/** MASKWATCH_ANALYSIS_RESTART_S of this suite's server (30 by default). */
const RESTART_S = 12;

/** Binds a UDP socket to `port`, or undefined when something holds it. */
function tryBind(port: number): Promise<Socket | undefined> {
  const socket = createSocket('udp4');
  return new Promise((resolve) => {
    socket.once('error', () => {
      socket.close();
      resolve(undefined);
    });
    socket.bind(port, '127.0.0.1', () => resolve(socket));
  });
}

/** Collects the camera's results from now on. */
function collect(viewer: ClientSocket, cameraId: string): FrameResult[] {
  const results: FrameResult[] = [];
  viewer.on('results:frame', (result) => {
    if (result.cameraId === cameraId) results.push(result);
  });
  return results;
}

describe('live analysis of an RTSP camera by an inference node process', () => {
  let server: TestServer;
  let source: RtspSource;
  let viewer: ClientSocket;
  let nodeA: InferenceNodeProcess | undefined;
  let nodeB: InferenceNodeProcess | undefined;
  let cameraId: string;

  before(async () => {
    source = await startRtspSource(NOMASK);
    server = await startTestServer({ env: { MASKWATCH_ANALYSIS_RESTART_S: String(RESTART_S) } });
    viewer = await connectViewer(server, 'operator');
    await call(viewer, 'viewer:join', {});
    cameraId = await createRtspCamera(server, 'Gate', source.url);
    nodeA = await startInferenceNode({ serverUrl: server.url, dataDir: server.dataDir, nodeId: 'node-a' });
  });
  after(async () => {
    viewer?.close();
    await nodeA?.close();
    await nodeB?.close();
    await server?.close();
    await source?.stop();
  });

  test('results reach the viewer: one face, labelled no_mask by its track, with one stable track id', async () => {
    const results = collect(viewer, cameraId);
    const voted = await waitFor(
      () => results.find((r) => r.faces.length === 1 && r.faces[0]?.trackLabel === 'no_mask'),
      'a result whose track is voted no_mask',
      60_000,
    );
    assert.equal(voted.nodeId, 'node-a');
    const trackId = voted.faces[0]?.trackId;
    assert.ok(trackId !== undefined);
    // The next results keep the same person on the same track, and the capture time is on the server's clock.
    const start = results.length;
    await waitFor(() => results.length >= start + 5, '5 more results', 20_000);
    for (const result of results.slice(start)) {
      assert.deepEqual(
        result.faces.map((face) => face.trackId),
        [trackId],
      );
      assert.ok(Math.abs(Date.now() - result.ts) < 10_000, `capture time ${result.ts} is on the server's clock`);
      assert.ok((result.timings.emitMs ?? -1) >= 0);
      assert.deepEqual([result.width, result.height], [1280, 720], "analysed at the camera's own resolution");
    }
    const view = server.internals.cameras.viewOf(cameraId);
    assert.equal(view.analysis.status, 'running');
    assert.equal(view.analysis.nodeId, 'node-a');
  });

  test('analysis switched off by an admin stops results; switched on, they resume', async () => {
    const admin = await apiAs(server, 'admin');
    const patch = (analysisEnabled: boolean) =>
      admin(`/api/cameras/${cameraId}`, { method: 'PATCH', json: { analysisEnabled } });
    assert.equal((await patch(false)).status, 200);
    await waitFor(() => server.internals.cameras.viewOf(cameraId).analysis.status === 'off', 'analysis off');
    assert.equal(server.internals.cameras.viewOf(cameraId).analysis.detail, 'analysis switched off');
    assert.equal(server.internals.cameras.viewOf(cameraId).status, 'live', 'the video keeps flowing');
    const results = collect(viewer, cameraId);
    await new Promise((r) => setTimeout(r, 1500));
    assert.equal(results.length, 0, 'no results while analysis is off');
    assert.equal((await patch(true)).status, 200);
    await waitFor(() => results.length > 0, 'results again', 60_000);
  });

  test('a node the server disconnects (as when it is silent too long) connects again by itself and gets the camera back', async () => {
    const link = server.internals.inference.nodes().find((node) => node.id === 'node-a');
    assert.ok(link);
    link.close('silent for 6 s (closed by the test)');
    await waitFor(() => server.internals.cameras.viewOf(cameraId).analysis.status !== 'running', 'analysis to leave running');
    const results = collect(viewer, cameraId);
    await waitFor(
      () => server.internals.inference.nodes().some((node) => node.id === 'node-a' && node !== link),
      'node-a to connect again',
      15_000,
    );
    const next = await waitFor(() => results.find((r) => r.nodeId === 'node-a'), 'results from node-a again', 60_000);
    assert.equal(next.cameraId, cameraId);
    // The first result may reach the viewer a moment before the server has marked the analysis running.
    await waitFor(() => server.internals.cameras.viewOf(cameraId).analysis.status === 'running', 'analysis running again', 10_000);
  });

  test("an analysis stream (an IP camera's substream): the node decodes it, viewers keep the main stream; removed, the main stream again", async () => {
    const substream = await startRtspSource(join(SHARED_DIR, 'videos', '916241958_mask.mp4'));
    try {
      const admin = await apiAs(server, 'admin');
      const patch = (analysisRtspUrl: string | null) =>
        admin(`/api/cameras/${cameraId}`, { method: 'PATCH', json: { analysisRtspUrl } });
      const mainProducer = server.internals.cameras.viewOf(cameraId).producerId;
      assert.equal((await patch(substream.url)).status, 200);
      const results = collect(viewer, cameraId);
      // The substream is 388x218; the main stream 1280x720.
      await waitFor(() => results.find((r) => r.width === 388 && r.height === 218), 'results of the analysis stream', 60_000);
      const view = server.internals.cameras.viewOf(cameraId);
      assert.equal(view.producerId, mainProducer, 'viewers watch the main stream still');
      await waitFor(() => server.internals.cameras.viewOf(cameraId).analysis.input?.width === 388, 'the admin view says so');
      assert.equal(server.internals.cameras.viewOf(cameraId).analysis.input?.stream, 'analysis');
      assert.match(view.analysisRtspUrl ?? '', /^rtsp:\/\/127\.0\.0\.1/);
      assert.equal((await patch(null)).status, 200);
      const after = collect(viewer, cameraId);
      await waitFor(() => after.find((r) => r.width === 1280), 'results of the main stream again', 60_000);
      await waitFor(() => server.internals.cameras.viewOf(cameraId).analysis.input?.stream === 'main', 'main stream in the admin view');
    } finally {
      await substream.stop();
    }
  });

  test('a decoder whose port another socket took: the server starts the analysis again, on a new port, and results resume', async () => {
    await waitFor(() => server.internals.cameras.viewOf(cameraId).analysis.status === 'running', 'running', 60_000);
    const before = server.internals.inference.analysisOf(cameraId);
    assert.ok(before && before.nodeId === 'node-a' && nodeA);
    const port = before.nodeRtp.port;
    // Kill the camera's decoder and take its port before the node's restart of it binds the port again.
    let thief: Socket | undefined;
    for (let attempt = 0; attempt < 10 && !thief; attempt++) {
      for (const pid of childrenOf(nodeA.pid, 'ffmpeg')) process.kill(pid, 'SIGKILL');
      const deadline = Date.now() + 1000;
      while (!thief && Date.now() < deadline) thief = await tryBind(port);
    }
    assert.ok(thief, `took port ${port} from the decoder`);
    try {
      // The node restarts its decoder, which cannot bind: no results, until the server starts the analysis again.
      const restarted = await waitFor(
        () => {
          const now = server.internals.inference.analysisOf(cameraId);
          return now && now.nodeRtp.port !== port ? now : undefined;
        },
        'the analysis on another port',
        (RESTART_S + 30) * 1000,
      );
      assert.equal(restarted.nodeId, 'node-a');
      const results = collect(viewer, cameraId);
      const next = await waitFor(() => results.at(-1), 'results again', 60_000);
      assert.equal(next.cameraId, cameraId);
      assert.equal(server.internals.cameras.viewOf(cameraId).analysis.status, 'running');
    } finally {
      thief.close();
    }
  });

  test('kill -9 of the node: video goes on, analysis is stalled, and a second node takes the camera', async () => {
    nodeB = await startInferenceNode({ serverUrl: server.url, dataDir: server.dataDir, nodeId: 'node-b' });
    await waitFor(() => server.internals.cameras.viewOf(cameraId).analysis.status === 'running', 'running');
    const onNode = server.internals.cameras.viewOf(cameraId).analysis.nodeId;
    const victim = onNode === 'node-a' ? nodeA! : nodeB;
    const survivor = victim === nodeA ? 'node-b' : 'node-a';
    // The stall the kill causes (a decoder restart just before it may report a stall of its own first), as the
    // server records it: viewers get at most one state a camera per 250 ms, the latest, and the camera may be
    // 'starting' on the survivor within that.
    const stalled = new Promise<CameraView>((resolve, reject) => {
      const timer = setTimeout(() => {
        server.internals.cameras.off('state', onState);
        reject(new Error("no 'lost' stall within 15 s of the kill"));
      }, 15_000);
      const onState = (view: CameraView) => {
        if (view.id !== cameraId || view.analysis.status !== 'stalled' || !/lost/.test(view.analysis.detail ?? '')) return;
        clearTimeout(timer);
        server.internals.cameras.off('state', onState);
        resolve(view);
      };
      server.internals.cameras.on('state', onState);
    });
    victim.kill('SIGKILL');
    const killedAt = Date.now();
    const view = await stalled;
    assert.match(view.analysis.detail ?? '', /lost/);
    assert.equal(view.status, 'live', 'the camera still serves video');
    // The camera moves at once (the assignment); its first result also waits for a key frame and the new decoder.
    await waitFor(() => server.internals.cameras.viewOf(cameraId).analysis.nodeId === survivor, `the camera on ${survivor}`, 5000);
    assert.ok(Date.now() - killedAt < 5000, `moved ${Date.now() - killedAt} ms after the kill`);
    const results = collect(viewer, cameraId);
    await waitFor(() => results.find((r) => r.nodeId === survivor), `results from ${survivor}`, 60_000);
    if (victim === nodeA) nodeA = undefined;
    else nodeB = undefined;
  });

  test('with no node left the camera waits, stalled; a node that comes back takes it and results resume', async () => {
    const last = nodeA ?? nodeB;
    assert.ok(last);
    last.kill('SIGKILL');
    await waitFor(
      () => {
        const { analysis } = server.internals.cameras.viewOf(cameraId);
        return analysis.status === 'stalled' && analysis.detail === 'waiting for an inference node';
      },
      'stalled, waiting for a node',
    );
    const results = collect(viewer, cameraId);
    nodeA = await startInferenceNode({ serverUrl: server.url, dataDir: server.dataDir, nodeId: 'node-c' });
    await waitFor(() => results.find((r) => r.nodeId === 'node-c'), 'results from the node that came back', 60_000);
  });
});

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { CameraResponse } from '@maskwatch/protocol/http';
import { apiAs, connectViewer } from './support/auth.ts';
import { call, waitFor, type ClientSocket } from './support/client.ts';
import { freeTcpPort, startRtspSource, type RtspSource } from './support/rtsp.ts';
import { startTestServer, type TestServer } from './support/server.ts';

async function createCamera(server: TestServer, name: string, rtspUrl: string): Promise<string> {
  const res = await (await apiAs(server, 'admin'))('/api/cameras', { method: 'POST', json: { kind: 'rtsp', name, rtspUrl } });
  assert.equal(res.status, 201);
  return ((await res.json()) as CameraResponse).camera.id;
}

/** The camera as an admin sees it (operators do not see ffmpeg's own error text). */
async function status(server: TestServer, id: string) {
  const res = await (await apiAs(server, 'admin'))(`/api/cameras/${id}`);
  return ((await res.json()) as CameraResponse).camera;
}

async function rtpBytes(server: TestServer, id: string): Promise<number> {
  const producer = server.internals.cameras.producerOf(id);
  if (!producer) return 0;
  let bytes = 0;
  for (const stat of await producer.getStats()) bytes += stat.byteCount;
  return bytes;
}

describe('RTSP ingest (GStreamer RTSP server + ffmpeg feeder + ffmpeg ingest + mediasoup)', () => {
  let server: TestServer;
  let source: RtspSource;
  let viewer: ClientSocket;
  before(async () => {
    source = await startRtspSource();
    server = await startTestServer();
    viewer = await connectViewer(server, 'admin');
  });
  after(async () => {
    viewer?.close();
    await server?.close();
    await source?.stop();
  });

  test('a camera added through the API goes live, leaves live when the source dies, and comes back by itself', async () => {
    const seen: string[] = [];
    viewer.on('camera:state', (view) => seen.push(view.status));
    await new Promise<void>((done) => viewer.emit('viewer:join', {}, () => done()));
    const id = await createCamera(server, 'Gate', source.url);

    await waitFor(async () => (await status(server, id)).status === 'live', 'live', 40_000);
    assert.equal((await status(server, id)).hasVideo, true);
    assert.equal(server.internals.ingest.get(id)?.mode, 'copy');
    // A viewer can consume it (H.264 as the source has it).
    const joined = await call(viewer, 'viewer:join', {});
    const recv = await call(viewer, 'transport:create', { direction: 'recv' });
    const consumed = await call(viewer, 'viewer:consume', {
      cameraId: id,
      transportId: recv.id,
      rtpCapabilities: joined.routerRtpCapabilities,
    });
    assert.equal(consumed.kind, 'video');
    assert.equal((consumed.rtpParameters as { codecs: { mimeType: string }[] }).codecs[0]?.mimeType, 'video/H264');
    await call(viewer, 'viewer:resume', { consumerId: consumed.consumerId });
    const first = await rtpBytes(server, id);
    await waitFor(async () => (await rtpBytes(server, id)) > first, 'RTP bytes to keep arriving');
    assert.ok(seen.includes('connecting') && seen.includes('live'), `viewer saw ${seen.join(',')}`);

    await source.stop();
    const down = await waitFor(
      async () => {
        const view = await status(server, id);
        return view.status !== 'live' ? view : undefined;
      },
      'status to leave live',
      30_000,
    );
    assert.ok(['connecting', 'error'].includes(down.status));

    await source.start();
    await waitFor(async () => (await status(server, id)).status === 'live', 'live again', 60_000);
    const again = await rtpBytes(server, id);
    await waitFor(async () => (await rtpBytes(server, id)) > again, 'RTP bytes after the restart');

    // The worker under the ingest dies: the ingest comes back by itself on the replacement worker.
    const before = await status(server, id);
    const { pool } = server.internals.media;
    const oldPid = pool.workers[0]!.pid;
    process.kill(oldPid, 'SIGKILL');
    await waitFor(
      async () => (await status(server, id)).status !== 'live',
      'status to leave live after the worker died',
    );
    await waitFor(() => pool.alive === 1 && pool.workers[0]!.pid !== oldPid, 'a replacement worker');
    const back = await waitFor(
      async () => {
        const view = await status(server, id);
        return view.status === 'live' ? view : undefined;
      },
      'live on the new worker',
      60_000,
    );
    assert.ok(back.producerId && back.producerId !== before.producerId);
    const onNewWorker = await rtpBytes(server, id);
    await waitFor(async () => (await rtpBytes(server, id)) > onNewWorker, 'RTP bytes on the new worker');
  });

  test('a wrong URL (closed port) gives status error with a clear detail, and restarts stay spaced', async () => {
    const port = await freeTcpPort();
    const id = await createCamera(server, 'Nowhere', `rtsp://127.0.0.1:${port}/cam`);
    const view = await waitFor(
      async () => {
        const v = await status(server, id);
        return v.status === 'error' ? v : undefined;
      },
      'status error',
      20_000,
    );
    assert.match(view.statusDetail ?? '', /connection refused/i);
    const ingest = server.internals.ingest.get(id);
    assert.ok(ingest);
    const before = ingest.spawns;
    await new Promise((r) => setTimeout(r, 6_000));
    // Backoff 1, 2, 4 s...: at most 3 more starts in 6 s (a tight loop would make dozens).
    assert.ok(ingest.spawns - before <= 3, `ffmpeg started ${ingest.spawns - before} times in 6 s`);
    assert.equal((await status(server, id)).status, 'error');

    const del = await (await apiAs(server, 'admin'))(`/api/cameras/${id}`, { method: 'DELETE' });
    assert.equal(del.status, 204);
    assert.equal(server.internals.ingest.get(id), undefined);
  });
});

describe('RTSP ingest, transcoding (MASKWATCH_RTSP_MODE=transcode)', () => {
  let server: TestServer;
  let source: RtspSource;
  before(async () => {
    source = await startRtspSource();
    server = await startTestServer({ env: { MASKWATCH_RTSP_MODE: 'transcode' } });
  });
  after(async () => {
    await server?.close();
    await source?.stop();
  });

  test('libx264 baseline reaches the producer', async () => {
    const id = await createCamera(server, 'Transcoded', source.url);
    await waitFor(async () => (await status(server, id)).status === 'live', 'live', 40_000);
    assert.equal(server.internals.ingest.get(id)?.mode, 'transcode');
    assert.ok((await rtpBytes(server, id)) > 0);
    // Disabling stops ffmpeg and leaves the camera offline.
    const res = await (await apiAs(server, 'admin'))(`/api/cameras/${id}`, { method: 'PATCH', json: { enabled: false } });
    assert.equal(res.status, 200);
    assert.equal(server.internals.ingest.get(id), undefined);
    const view = await status(server, id);
    assert.equal(view.status, 'offline');
    assert.equal(view.hasVideo, false);
  });
});

import { readdirSync, readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { apiAs, connectViewer } from './support/auth.ts';
import { call, waitFor, type ClientSocket } from './support/client.ts';
import { freeTcpPort, startRtspSource, type RtspSource } from './support/rtsp.ts';
import { cameraAsAdmin as status, createRtspCamera as createCamera } from './support/rtspCamera.ts';
import { startTestServer, type TestServer } from './support/server.ts';

async function patchCamera(server: TestServer, id: string, changes: Record<string, unknown>): Promise<void> {
  const res = await (await apiAs(server, 'admin'))(`/api/cameras/${id}`, {
    method: 'PATCH',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(changes),
  });
  assert.equal(res.status, 200, await res.text());
}

/** Transports on the media router now (PlainTransports of ingests, WebRtcTransports of peers). */
async function transportCount(server: TestServer): Promise<number> {
  const room = await server.internals.media.getRoom();
  return (await room.router.dump()).transportIds.length;
}

/** ffmpeg processes this test process's server started (the ingest's; not the RTSP source's feeder). */
function ingestFfmpegPids(): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(/^\d+ \(.*\) \S (\d+)/.exec(stat)?.[1]);
      const cmdline = readFileSync(`/proc/${entry}/cmdline`, 'utf8');
      if (ppid === process.pid && cmdline.includes('ffmpeg') && cmdline.includes('-rtsp_transport')) pids.push(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return pids;
}

async function rtpBytes(server: TestServer, id: string): Promise<number> {
  const producer = server.internals.cameras.videoOf(id)?.producer;
  if (!producer) return 0;
  let bytes = 0;
  for (const stat of await producer.getStats()) bytes += stat.byteCount;
  return bytes;
}

/**
 * The ingest's waits, shortened (ServerTiming): retries from 200 ms, a stall noticed after 2 s. The product's own
 * seconds against a long outage are test/e2e/rtspOutage.test.ts.
 */
const INGEST_TIMING = { retryMinMs: 200, retryMaxMs: 2_000, stallMs: 2_000, probeIntervalMs: 100 };

/** One RTSP source for the whole file (both describes run one after the other; the first restarts it). */
let source: RtspSource;
before(async () => {
  source = await startRtspSource();
});
after(async () => {
  await source?.stop();
});

describe('RTSP ingest (GStreamer RTSP server + ffmpeg feeder + ffmpeg ingest + mediasoup)', () => {
  let server: TestServer;
  let viewer: ClientSocket;
  before(async () => {
    server = await startTestServer({ timing: { ingest: INGEST_TIMING } });
    viewer = await connectViewer(server, 'admin');
  });
  after(async () => {
    viewer?.close();
    await server?.close();
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
    // camera:state is coalesced (one push per camera per 250 ms, the latest view last): the viewer hears live
    // shortly after the API says it, not necessarily before this point.
    await waitFor(() => seen.includes('live'), `the viewer to hear live (it heard ${seen.join(',')})`, 5_000).catch(() => undefined);
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
    const del = await (await apiAs(server, 'admin'))(`/api/cameras/${id}`, { method: 'DELETE' });
    assert.equal(del.status, 204);
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
    const windowMs = 6 * INGEST_TIMING.retryMinMs;
    await new Promise((r) => setTimeout(r, windowMs));
    // Backoff 1, 2, 4 times retryMinMs...: at most 3 more starts in 6 of them (a tight loop would make dozens).
    assert.ok(ingest.spawns - before <= 3, `ffmpeg started ${ingest.spawns - before} times in ${windowMs} ms`);
    assert.equal((await status(server, id)).status, 'error');

    const del = await (await apiAs(server, 'admin'))(`/api/cameras/${id}`, { method: 'DELETE' });
    assert.equal(del.status, 204);
    assert.equal(server.internals.ingest.get(id), undefined);
  });

  test('a NUL byte in a stored URL (saved before URLs were checked) gives an error status and retries, and the API refuses one', async () => {
    const refused = await (await apiAs(server, 'admin'))(`/api/cameras`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ kind: 'rtsp', name: 'Nul', rtspUrl: `${source.url}\u0000x` }),
    });
    assert.equal(refused.status, 400);
    const baseline = await transportCount(server);
    // As an older server stored it: straight into the service, past the API's schema.
    const camera = server.internals.cameras.create({ kind: 'rtsp', name: 'Stored NUL', rtspUrl: `${source.url}\u0000x` });
    const view = await waitFor(
      async () => {
        const v = await status(server, camera.id);
        return v.status === 'error' ? v : undefined;
      },
      'status error',
    );
    assert.match(view.statusDetail ?? '', /NUL byte/);
    assert.ok(view.retryAt && view.retryAt > Date.now() - 1_000, `retryAt ${view.retryAt}`);
    await waitFor(() => server.internals.ingest.get(camera.id)?.spawns === 0 && transportCount(server).then((n) => n === baseline), 'the failed attempts to release their transports');
    assert.equal((await (await apiAs(server, 'admin'))(`/api/health`)).status, 200);
    server.internals.cameras.remove(camera.id);
  });

  test('50 enable/disable toggles with a bad and a good URL leave no transport and no ffmpeg behind', async () => {
    const baseline = await transportCount(server);
    const closedPort = await freeTcpPort();
    const bad = `rtsp://127.0.0.1:${closedPort}/cam`;
    const id = await createCamera(server, 'Toggled', source.url);
    for (let i = 0; i < 50; i++) {
      if (i % 2 === 0) {
        await patchCamera(server, id, { enabled: false });
      } else if (i % 6 === 1) {
        // Stored as an older server would have: a URL whose spawn fails.
        server.internals.cameras.update(id, { rtspUrl: `${source.url}\u0000`, enabled: true });
      } else {
        await patchCamera(server, id, { enabled: true, rtspUrl: i % 4 === 1 ? bad : source.url });
      }
      // Now and then let an attempt get further (transport made, ffmpeg spawned, producer created).
      if (i % 10 === 9) await new Promise((resolve) => setTimeout(resolve, 400 + 100 * (i % 3)));
    }
    await patchCamera(server, id, { enabled: true, rtspUrl: source.url });
    await waitFor(async () => (await status(server, id)).status === 'live', 'live after the toggles', 40_000);
    await patchCamera(server, id, { enabled: false });
    const left = await waitFor(
      async () => ((await transportCount(server)) === baseline && ingestFfmpegPids().length === 0 ? 'clean' : undefined),
      'transports back to the baseline and no ingest ffmpeg',
      10_000,
    ).catch(async () => `transports ${await transportCount(server)} (baseline ${baseline}), ffmpeg ${ingestFfmpegPids().join(',')}`);
    assert.equal(left, 'clean');
    const del = await (await apiAs(server, 'admin'))(`/api/cameras/${id}`, { method: 'DELETE' });
    assert.equal(del.status, 204);
  });

});

describe('RTSP ingest, transcoding (MASKWATCH_RTSP_MODE=transcode)', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer({ env: { MASKWATCH_RTSP_MODE: 'transcode' } });
  });
  after(async () => {
    await server?.close();
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

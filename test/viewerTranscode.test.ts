/**
 * A viewer that cannot receive a camera's H.264 High (Chromium's WebRTC here offers Baseline and Main only): the
 * server converts the camera to VP8 for it with one supervised ffmpeg per camera, only while someone watches; the
 * camera's own producer (which the analysis consumes) stays H.264 High. Real RTSP source, mediasoup and ffmpeg.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { types } from 'mediasoup';
import type { CameraResponse } from '@maskwatch/protocol/http';
import { ViewerVideo } from '@maskwatch/server/viewing/ViewerVideo';
import { apiAs } from './support/auth.ts';
import { waitFor } from './support/client.ts';
import { startRtspSource, type RtspSource } from './support/rtsp.ts';
import { startTestServer, type TestServer } from './support/server.ts';

/** The router's capabilities without H.264 High: what Chromium's mediasoup-client device ends up with. */
function withoutHigh(caps: types.RtpCapabilities): types.RtpCapabilities {
  return {
    ...caps,
    codecs: (caps.codecs ?? []).filter(
      (codec) => !(codec.mimeType === 'video/H264' && String(codec.parameters?.['profile-level-id'] ?? '').startsWith('64')),
    ),
  };
}

/** Transcoder ffmpeg processes this test process started. */
function transcoderPids(): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const cmdline = readFileSync(`/proc/${entry}/cmdline`, 'utf8');
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(/^\d+ \(.*\) \S (\d+)/.exec(stat)?.[1]);
      if (ppid === process.pid && cmdline.includes('libvpx')) pids.push(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return pids;
}

async function bytesOf(producer: types.Producer): Promise<number> {
  let bytes = 0;
  for (const stat of await producer.getStats()) bytes += stat.byteCount;
  return bytes;
}

/**
 * The conversion's linger after its last viewer (the server's own: 20 s). Between `sourceFor` and the viewer's
 * consume nobody watches: 500 ms was shorter than that on a loaded CI machine (the producer was gone at consume).
 */
const LINGER_MS = 3000;

describe('video converted for viewers that cannot receive the camera (H.264 High RTSP source)', () => {
  let server: TestServer;
  let source: RtspSource;
  let viewing: ViewerVideo;
  let cameraId: string;
  before(async () => {
    source = await startRtspSource();
    server = await startTestServer();
    const res = await (await apiAs(server, 'admin'))('/api/cameras', {
      method: 'POST',
      json: { kind: 'rtsp', name: 'Loading bay (High profile)', rtspUrl: source.url },
    });
    assert.equal(res.status, 201);
    cameraId = ((await res.json()) as CameraResponse).camera.id;
    // A second ViewerVideo on the server's parts, with short timings (the server's own waits 20 s for a last viewer).
    viewing = new ViewerVideo({
      cameras: server.internals.cameras,
      media: server.internals.media,
      ffmpegPath: 'ffmpeg',
      transcode: 'vp8',
      portRange: { min: 42000, max: 42999 },
      lingerMs: LINGER_MS,
      readyTimeoutMs: 20_000,
    });
    await waitFor(() => server.internals.cameras.videoOf(cameraId) !== undefined, 'the camera to be live', 40_000);
  });
  after(async () => {
    viewing?.close();
    await server?.close();
    await source?.stop();
  });

  test('a viewer with High gets the camera itself; one without gets VP8 from one ffmpeg, stopped when nobody watches', async () => {
    const room = await server.internals.media.getRoom();
    const original = server.internals.cameras.videoOf(cameraId)!.producer;
    const high = original.rtpParameters.codecs[0];
    assert.equal(high?.mimeType, 'video/H264');
    assert.equal(high?.parameters?.['profile-level-id'], '64001f', 'the source is copied as H.264 High');

    const full = await viewing.sourceFor(cameraId, room, room.rtpCapabilities);
    assert.equal(full.producer, original);
    assert.equal(full.transcoded, false);
    assert.equal(transcoderPids().length, 0, 'nothing converted for a viewer that can receive it');

    const chromium = withoutHigh(room.rtpCapabilities);
    assert.equal(room.router.canConsume({ producerId: original.id, rtpCapabilities: chromium }), false);
    const [first, second] = await Promise.all([viewing.sourceFor(cameraId, room, chromium), viewing.sourceFor(cameraId, room, chromium)]);
    assert.equal(first.transcoded, true);
    assert.equal(first.format, 'H.264 High');
    assert.equal(first.producer.rtpParameters.codecs[0]?.mimeType, 'video/VP8');
    assert.equal(second.producer, first.producer, 'two viewers share one conversion');
    assert.equal(transcoderPids().length, 1);
    // A viewer consumes it at once (as viewer:consume does); while it does, the conversion stays.
    const transport = await room.createPlainTransport({ test: true });
    const consumer = await transport.consume({ producerId: first.producer.id, rtpCapabilities: chromium, paused: true });
    viewing.watch(cameraId, consumer);
    const before = await bytesOf(first.producer);
    await new Promise((resolve) => setTimeout(resolve, LINGER_MS + 500));
    assert.ok((await bytesOf(first.producer)) > before, 'VP8 keeps flowing');
    assert.deepEqual(viewing.transcoding, [cameraId], 'kept while watched, past the linger');
    // The camera's own producer (what the analysis consumes) is untouched.
    assert.equal(server.internals.cameras.videoOf(cameraId)?.producer, original);

    // The viewer leaves: after the linger, the conversion stops and its ffmpeg is gone.
    transport.close();
    await waitFor(() => viewing.transcoding.length === 0 && transcoderPids().length === 0, 'the conversion to stop', LINGER_MS + 5000);
    assert.equal(first.producer.closed, true);
    assert.equal(server.internals.cameras.videoOf(cameraId)?.producer, original, 'the camera itself still live');
  });

  test('conversion turned off: the viewer is told in plain words why it cannot play the camera', async () => {
    const off = new ViewerVideo({
      cameras: server.internals.cameras,
      media: server.internals.media,
      ffmpegPath: 'ffmpeg',
      transcode: 'off',
      portRange: { min: 42000, max: 42999 },
    });
    try {
      const room = await server.internals.media.getRoom();
      await assert.rejects(off.sourceFor(cameraId, room, withoutHigh(room.rtpCapabilities)), (error: Error & { code?: string }) => {
        assert.equal(error.code, 'unavailable');
        assert.match(error.message, /This browser cannot play this camera's video \(H\.264 High\)/);
        assert.doesNotMatch(error.message, /rtpCapabilities/);
        return true;
      });
      assert.equal(transcoderPids().length, 0);
    } finally {
      off.close();
    }
  });
});

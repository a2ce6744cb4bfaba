import { spawn } from 'node:child_process';
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { HealthResponse } from '@maskwatch/protocol/http';
import { joinedCamera } from './support/auth.ts';
import { call, nextEvent, waitFor, type ClientSocket } from './support/client.ts';
import { h264RtpParameters } from './support/h264.ts';
import { startTestServer, type TestServer } from './support/server.ts';

const VP8 = {
  mid: '0',
  codecs: [{ mimeType: 'video/VP8', payloadType: 96, clockRate: 90000, rtcpFeedback: [] }],
  encodings: [{ ssrc: 424242 }],
  rtcp: { cname: 'c' },
};

describe('a mediasoup worker dies', () => {
  let server: TestServer;
  let camera: ClientSocket;
  let cameraId: string;
  const children: ReturnType<typeof spawn>[] = [];
  before(async () => {
    server = await startTestServer();
    ({ socket: camera, cameraId } = await joinedCamera(server, 'Door'));
  });
  after(async () => {
    for (const child of children) child.kill('SIGKILL');
    camera?.close();
    await server?.close();
  });

  test('the pool replaces it and a camera that joins again gets a working router', async () => {
    const t1 = await call(camera, 'transport:create', { direction: 'send' });
    await call(camera, 'camera:produce', { transportId: t1.id, kind: 'video', rtpParameters: VP8 });
    const { pool } = server.internals.media;
    const oldPid = pool.workers[0]!.pid;

    const told = nextEvent(camera, 'server:error', (e) => e.code === 'unavailable' && e.event === 'camera:join');
    process.kill(oldPid, 'SIGKILL');
    await told;
    await waitFor(() => pool.alive === 1 && pool.workers[0]!.pid !== oldPid, 'a replacement worker');
    assert.equal(server.internals.cameras.viewOf(cameraId).hasVideo, false);
    const health = (await (await fetch(`${server.url}/api/health`)).json()) as HealthResponse;
    assert.deepEqual(health.workers, { alive: 1, total: 1 });

    // The old transport is gone with its router; joining again gives a new router that works.
    const stale = await new Promise<{ ok: boolean }>((resolve) =>
      (camera as unknown as { emit(e: string, p: unknown, a: (x: { ok: boolean }) => void): void }).emit(
        'transport:connect',
        { transportId: t1.id, dtlsParameters: { fingerprints: [{ algorithm: 'sha-256', value: 'AA' }] } },
        resolve,
      ),
    );
    assert.equal(stale.ok, false);
    const again = await call(camera, 'camera:join', {});
    assert.equal(again.cameraId, cameraId);
    const t2 = await call(camera, 'transport:create', { direction: 'send' });
    const live = waitFor(() => server.internals.cameras.viewOf(cameraId).hasVideo, 'hasVideo');
    await call(camera, 'camera:produce', { transportId: t2.id, kind: 'video', rtpParameters: VP8 });
    await live;

    // Real RTP through the new router: ffmpeg into a PlainTransport producer.
    const room = await server.internals.media.getRoom();
    const plain = await room.createPlainTransport();
    const producer = await plain.produce({ kind: 'video', rtpParameters: h264RtpParameters(777777) });
    const ffmpeg = spawn(
      'ffmpeg',
      [
        '-hide_banner',
        '-loglevel',
        'error',
        '-nostdin',
        '-re',
        '-f',
        'lavfi',
        '-i',
        'testsrc=size=320x240:rate=15',
        '-c:v',
        'libx264',
        '-preset',
        'ultrafast',
        '-profile:v',
        'baseline',
        '-pix_fmt',
        'yuv420p',
        '-bf',
        '0',
        '-f',
        'rtp',
        '-payload_type',
        '102',
        '-ssrc',
        '777777',
        `rtp://127.0.0.1:${plain.tuple.localPort}?rtcpport=${plain.rtcpTuple!.localPort}&pkt_size=1200`,
      ],
      { stdio: 'ignore' },
    );
    children.push(ffmpeg);
    await waitFor(
      async () => (await producer.getStats()).some((s) => s.byteCount > 10_000),
      'RTP through the new router',
    );
    ffmpeg.kill('SIGKILL');
    plain.close();
  });
});

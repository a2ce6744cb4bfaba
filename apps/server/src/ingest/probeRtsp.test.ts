import { createServer, type Socket } from 'node:net';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { probeRtsp, rtspEndpoint } from './probeRtsp.ts';

test('rtspEndpoint: host and port, with the RTSP default ports', () => {
  assert.deepEqual(rtspEndpoint('rtsp://user:pw@cam.local:8554/s'), { host: 'cam.local', port: 8554 });
  assert.deepEqual(rtspEndpoint('rtsp://10.0.0.2/s'), { host: '10.0.0.2', port: 554 });
  assert.deepEqual(rtspEndpoint('rtsps://[::1]/s'), { host: '::1', port: 322 });
  assert.equal(rtspEndpoint('not a url'), undefined);
});

test('probeRtsp: ready when the stream is described (or needs credentials), answers otherwise, down when closed', async () => {
  let reply = 'RTSP/1.0 200 OK\r\nCSeq: 1\r\nContent-Type: application/sdp\r\n\r\n';
  const requests: string[] = [];
  const server = createServer((socket: Socket) => {
    socket.once('data', (chunk) => {
      requests.push(chunk.toString('latin1'));
      if (reply) socket.write(reply);
    });
    socket.on('error', () => undefined);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  const url = `rtsp://viewer:secret@127.0.0.1:${port}/cam?x=1`;
  assert.equal(await probeRtsp(url, 1_000), 'ready');
  assert.match(requests[0] ?? '', new RegExp(`^DESCRIBE rtsp://127\\.0\\.0\\.1:${port}/cam\\?x=1 RTSP/1\\.0\\r\\n`));
  assert.ok(!requests[0]?.includes('secret'), 'the credentials are never sent by the probe');
  reply = 'RTSP/1.0 401 Unauthorized\r\nCSeq: 1\r\nWWW-Authenticate: Digest realm="cam", nonce="1"\r\n\r\n';
  assert.equal(await probeRtsp(url, 1_000), 'ready');
  reply = 'RTSP/1.0 404 Not Found\r\nCSeq: 1\r\n\r\n';
  assert.equal(await probeRtsp(url, 1_000), 'answers');
  reply = '';
  assert.equal(await probeRtsp(url, 200), 'answers', 'no answer in time');
  await new Promise<void>((resolve) => server.close(() => resolve()));
  assert.equal(await probeRtsp(url, 1_000), 'down');
});

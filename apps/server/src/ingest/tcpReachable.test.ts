import { createServer } from 'node:net';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rtspEndpoint, tcpReachable } from './tcpReachable.ts';

test('rtspEndpoint: host and port, with the RTSP default ports', () => {
  assert.deepEqual(rtspEndpoint('rtsp://user:pw@cam.local:8554/s'), { host: 'cam.local', port: 8554 });
  assert.deepEqual(rtspEndpoint('rtsp://10.0.0.2/s'), { host: '10.0.0.2', port: 554 });
  assert.deepEqual(rtspEndpoint('rtsps://[::1]/s'), { host: '::1', port: 322 });
  assert.equal(rtspEndpoint('not a url'), undefined);
});

test('tcpReachable: true for a listening port, false once it is closed', async () => {
  const server = createServer((socket) => socket.destroy());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  assert.equal(await tcpReachable('127.0.0.1', port, 1_000), true);
  await new Promise<void>((resolve) => server.close(() => resolve()));
  assert.equal(await tcpReachable('127.0.0.1', port, 1_000), false);
});

import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import { Server } from 'socket.io';
import { io as connect, type Socket } from 'socket.io-client';
import type { FrameResult } from '@maskwatch/protocol/faces';
import type { IoServer } from './context.ts';
import { MAX_BACKLOG, pushBounded } from './pushBounded.ts';

let server: IoServer;
let client: Socket;
const received: number[] = [];

before(async () => {
  const http = createServer();
  server = new Server(http) as IoServer;
  server.on('connection', (socket) => void socket.join('viewers'));
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  client = connect(`http://127.0.0.1:${(http.address() as AddressInfo).port}`, { transports: ['websocket'] });
  client.on('results:frame', (result: FrameResult) => received.push(result.seq ?? -1));
  await new Promise<void>((resolve) => client.once('connect', () => resolve()));
  await new Promise((r) => setTimeout(r, 50));
});
after(() => {
  client.close();
  server.close();
});

const result = (seq: number): FrameResult => ({
  cameraId: 'cam_000000000001',
  nodeId: 'n',
  ts: Date.now(),
  seq,
  width: 640,
  height: 360,
  faces: [],
  timings: {},
});

const settle = async (count: number) => {
  const deadline = Date.now() + 5000;
  while (received.length < count && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
  await new Promise((r) => setTimeout(r, 100));
};

test('a burst of results (one per camera of a batch) all reach a viewer; volatile would have kept only the first', async () => {
  received.length = 0;
  for (let i = 0; i < 16; i++) assert.equal(pushBounded(server, ['viewers'], 'results:frame', result(i)), 0);
  await settle(16);
  assert.deepEqual(received, Array.from({ length: 16 }, (_, i) => i));
});

test('a viewer that cannot keep up misses results past its backlog instead of queueing them without bound', async () => {
  received.length = 0;
  let skipped = 0;
  for (let i = 0; i < 4 * MAX_BACKLOG; i++) skipped += pushBounded(server, ['viewers'], 'results:frame', result(i));
  await settle(MAX_BACKLOG);
  assert.ok(skipped > 0, 'some were skipped');
  assert.equal(received.length + skipped, 4 * MAX_BACKLOG);
  assert.ok(received.length >= MAX_BACKLOG, `${received.length} delivered`);
});

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { MAX_SIGNALLING_PAYLOAD_BYTES } from '@maskwatch/protocol/signalling';
import { connectViewer, joinedCamera } from './support/auth.ts';
import { call, nextEvent, waitFor, type ClientSocket } from './support/client.ts';
import { dbSnapshot } from './support/dbSnapshot.ts';
import { startTestServer, type TestServer } from './support/server.ts';

type Loose = { emit(event: string, ...args: unknown[]): void };
type Answer = { ok: boolean; error?: { code: string; message: string; issues?: { path: string }[] } };

function raw(socket: ClientSocket, event: string, ...args: unknown[]): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${event}: no ack`)), 10_000);
    (socket as unknown as Loose).emit(event, ...args, (answer: Answer) => {
      clearTimeout(timer);
      resolve(answer);
    });
  });
}

describe('malformed socket.io messages', () => {
  let server: TestServer;
  let camera: ClientSocket;
  let viewer: ClientSocket;
  let cameraId: string;
  before(async () => {
    server = await startTestServer();
    ({ socket: camera, cameraId } = await joinedCamera(server, 'Door'));
    viewer = await connectViewer(server, 'operator');
    await call(viewer, 'viewer:join', {});
  });
  after(async () => {
    camera?.close();
    viewer?.close();
    await server?.close();
  });

  test('wrong types, missing fields and unknown keys get bad_request, wrong roles forbidden; nothing changes', async () => {
    const before = dbSnapshot(server.dbPath);
    const cases: [ClientSocket, string, unknown[], string][] = [
      [camera, 'camera:join', [{ name: 42 }], 'name'],
      [camera, 'camera:join', [{ name: 'New', admin: true }], ''],
      [camera, 'camera:join', [{ name: '' }], 'name'],
      [camera, 'camera:join', [{ name: 'a\u0000b' }], 'name'],
      [camera, 'camera:join', ['Door'], ''],
      [camera, 'camera:join', [null], ''],
      [camera, 'camera:join', [{ name: 'Door' }, 'extra'], ''],
      [camera, 'camera:faces', [{ count: -1 }], 'count'],
      [camera, 'camera:faces', [{ count: 1.5 }], 'count'],
      [camera, 'camera:faces', [{ count: '3' }], 'count'],
      [camera, 'transport:create', [{ direction: 'sideways' }], 'direction'],
      [camera, 'transport:create', [{ direction: 'recv' }], ''],
      [
        camera,
        'transport:connect',
        [{ transportId: 'x', dtlsParameters: { fingerprints: [] } }],
        'dtlsParameters.fingerprints',
      ],
      [
        camera,
        'camera:produce',
        [{ transportId: 'x', kind: 'video', rtpParameters: { codecs: [] } }],
        'rtpParameters.codecs',
      ],
      [
        camera,
        'camera:produce',
        [{ transportId: 'x', kind: 'data', rtpParameters: { codecs: [{ mimeType: 'video/VP8', payloadType: 96 }] } }],
        'kind',
      ],
      [viewer, 'viewer:join', [{ extra: 1 }], ''],
      [viewer, 'viewer:consume', [{ cameraId: '../etc', transportId: 'x', rtpCapabilities: {} }], 'cameraId'],
      [viewer, 'viewer:resume', [{}], 'consumerId'],
    ];
    for (const [socket, event, args, path] of cases) {
      const answer = await raw(socket, event, ...args);
      assert.equal(answer.ok, false, `${event} ${JSON.stringify(args)}`);
      assert.equal(answer.error?.code, 'bad_request', `${event} ${JSON.stringify(args)}: ${answer.error?.message}`);
      if (path)
        assert.ok(
          answer.error?.issues?.some((i) => i.path === path),
          `${event}: issues ${JSON.stringify(answer.error?.issues)}`,
        );
    }
    // The wrong kind of connection is refused before its payload is looked at; a camera's token is for its camera.
    for (const [socket, event, payload] of [
      [viewer, 'camera:join', { name: 'Sneaky' }],
      [viewer, 'camera:faces', 'not even an object'],
      [camera, 'viewer:join', {}],
      [camera, 'viewer:consume', { cameraId, transportId: 'x', rtpCapabilities: {} }],
      [camera, 'camera:join', { name: 'Someone else' }],
    ] as const) {
      const answer = await raw(socket, event, payload);
      assert.equal(answer.error?.code, 'forbidden', `${event}: ${answer.error?.message}`);
    }
    const notFound = await raw(camera, 'transport:connect', {
      transportId: 'nope',
      dtlsParameters: { fingerprints: [{ algorithm: 'sha-256', value: 'AA' }] },
    });
    assert.equal(notFound.error?.code, 'not_found');
    // mediasoup's own deep checks become bad_request too.
    const { id } = await call(camera, 'transport:create', { direction: 'send' });
    const badRtp = await raw(camera, 'camera:produce', {
      transportId: id,
      kind: 'video',
      rtpParameters: {
        codecs: [{ mimeType: 'video/NOPE', payloadType: 96, clockRate: 90000 }],
        encodings: [{ ssrc: 1 }],
      },
    });
    assert.equal(badRtp.ok, false);
    assert.ok(['bad_request'].includes(badRtp.error?.code ?? ''), badRtp.error?.message);
    assert.deepEqual(dbSnapshot(server.dbPath), before);
    assert.equal(server.internals.cameras.viewOf(cameraId).hasVideo, false);
  });

  test('an oversized payload is refused (payload_too_large), a huge frame only drops that connection', async () => {
    const before = dbSnapshot(server.dbPath);
    const big = await raw(camera, 'camera:join', { name: 'x'.repeat(MAX_SIGNALLING_PAYLOAD_BYTES + 10) });
    assert.equal(big.error?.code, 'payload_too_large');
    const other = await connectViewer(server, 'operator');
    const dropped = new Promise((resolve) => other.once('disconnect', resolve));
    (other as unknown as Loose).emit('viewer:join', { pad: 'y'.repeat(2 * 1024 * 1024) }, () => undefined);
    await dropped;
    assert.deepEqual(dbSnapshot(server.dbPath), before);
    // The server and the other connections carry on.
    assert.equal((await call(viewer, 'viewer:join', {})).cameras.length, 1);
  });

  test('unknown events and messages without an ack get a server:error push', async () => {
    const before = dbSnapshot(server.dbPath);
    const unknown = nextEvent(viewer, 'server:error', (e) => e.code === 'unknown_event');
    (viewer as unknown as Loose).emit('admin:drop-tables', { all: true });
    assert.equal((await unknown).event, 'admin:drop-tables');
    const answered = await raw(viewer, 'no:such:event', {});
    assert.equal(answered.error?.code, 'unknown_event');
    const noAck = nextEvent(camera, 'server:error', (e) => e.event === 'camera:join' && e.code === 'bad_request');
    (camera as unknown as Loose).emit('camera:join', { name: 'No ack' });
    await noAck;
    const noAckFaces = nextEvent(camera, 'server:error', (e) => e.event === 'camera:faces');
    (camera as unknown as Loose).emit('camera:faces', { count: 3 });
    await noAckFaces;
    assert.deepEqual(dbSnapshot(server.dbPath), before);
    assert.equal(server.internals.cameras.getByName('No ack'), undefined);
    const health = await waitFor(async () => (await fetch(`${server.url}/api/health`)).ok, 'health');
    assert.ok(health);
  });
});

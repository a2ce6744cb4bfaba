/**
 * The `/inference` namespace refuses bad input clearly and changes nothing: a wrong secret or protocol version at
 * the handshake, malformed messages, messages before hello, results for a camera the node was not given. Driven
 * with a raw socket.io client speaking the node's protocol against a real server.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { io, type Socket } from 'socket.io-client';
import { readInferenceSecret } from '@maskwatch/common/inferenceSecret';
import type { ErrorBody } from '@maskwatch/protocol/errors';
import { INFERENCE_NAMESPACE, INFERENCE_PROTOCOL_VERSION } from '@maskwatch/protocol/inference';
import { connectViewer } from './support/auth.ts';
import { call, waitFor, type ClientSocket } from './support/client.ts';
import { NODE_CAPACITY, NODE_HELLO } from './support/nodeProtocol.ts';
import { startTestServer, type TestServer } from './support/server.ts';

type Ack = { ok: true; data: unknown } | { ok: false; error: ErrorBody };


function nodeSocket(server: TestServer, auth: Record<string, unknown>): Socket {
  return io(`${server.url}${INFERENCE_NAMESPACE}`, { auth, transports: ['websocket'], reconnection: false, forceNew: true });
}

/** Connects, or resolves with the refusal the handshake answered. */
function handshake(socket: Socket): Promise<{ connected: true } | { connected: false; error: ErrorBody | undefined }> {
  return new Promise((resolve) => {
    socket.once('connect', () => resolve({ connected: true }));
    socket.once('connect_error', (error: Error & { data?: ErrorBody }) => resolve({ connected: false, error: error.data }));
  });
}

function ask(socket: Socket, event: string, payload: unknown): Promise<Ack> {
  return socket.timeout(5000).emitWithAck(event, payload) as Promise<Ack>;
}

function nextServerError(socket: Socket): Promise<ErrorBody & { event?: string }> {
  return new Promise((resolve) => socket.once('server:error', resolve));
}

describe('the /inference namespace refuses bad input', () => {
  let server: TestServer;
  let secret: string;
  let viewer: ClientSocket;
  const sockets: Socket[] = [];

  before(async () => {
    server = await startTestServer();
    secret = readInferenceSecret(server.dataDir) ?? '';
    assert.ok(secret.length >= 32, 'the server made its inference secret under the data folder');
    viewer = await connectViewer(server, 'operator');
    await call(viewer, 'viewer:join', {});
  });
  after(async () => {
    for (const socket of sockets) socket.close();
    viewer?.close();
    await server?.close();
  });

  const open = (auth: Record<string, unknown>): Socket => {
    const socket = nodeSocket(server, auth);
    sockets.push(socket);
    return socket;
  };

  test('a wrong secret, an old protocol or a malformed handshake is refused with its reason', async () => {
    const wrong = await handshake(open({ protocolVersion: INFERENCE_PROTOCOL_VERSION, secret: 'x'.repeat(64), nodeId: 'n1' }));
    assert.deepEqual(wrong, { connected: false, error: { code: 'unauthorized', message: 'wrong inference secret' } });
    const old = await handshake(open({ protocolVersion: INFERENCE_PROTOCOL_VERSION + 1, secret, nodeId: 'n1' }));
    assert.equal(old.connected === false && old.error?.code, 'unsupported_version');
    const malformed = await handshake(open({ secret, nodeId: '../etc' }));
    assert.equal(malformed.connected === false && malformed.error?.code, 'bad_request');
    assert.equal(server.internals.inference.nodes().length, 0, 'no node joined');
  });

  test('messages before hello, malformed hellos and unknown events are refused; nothing joins', async () => {
    const socket = open({ protocolVersion: INFERENCE_PROTOCOL_VERSION, secret, nodeId: 'n2' });
    assert.deepEqual(await handshake(socket), { connected: true });
    const early = await ask(socket, 'node:status', { cameraId: 'cam_x', status: 'running', detail: null });
    assert.equal(early.ok === false && early.error.code, 'bad_request');
    const badHello = await ask(socket, 'node:hello', { ...NODE_HELLO, capacity: { ...NODE_CAPACITY, maxCameras: -1 } });
    assert.equal(badHello.ok === false && badHello.error.code, 'bad_request');
    assert.match(badHello.ok === false ? badHello.error.message : '', /maxCameras/);
    const unknown = nextServerError(socket);
    socket.emit('node:take-over-the-world', {});
    assert.equal((await unknown).code, 'unknown_event');
    assert.equal(server.internals.inference.nodes().length, 0);
  });

  test('a node that reports results for a camera it was not given is refused, and no viewer hears of it', async () => {
    const cameraId = server.internals.cameras.create({ kind: 'browser', name: 'Lobby' }).id;
    const socket = open({ protocolVersion: INFERENCE_PROTOCOL_VERSION, secret, nodeId: 'n3' });
    assert.deepEqual(await handshake(socket), { connected: true });
    const hello = await ask(socket, 'node:hello', NODE_HELLO);
    assert.equal(hello.ok, true);
    await waitFor(() => server.internals.inference.nodes().length === 1, 'the node to join');

    const heard: unknown[] = [];
    viewer.on('results:frame', (result) => heard.push(result));
    const result = { cameraId, ts: Date.now(), seq: 0, width: 640, height: 360, faces: [], timings: {} };
    const refused = nextServerError(socket);
    socket.emit('node:results', result);
    const error = await refused;
    assert.equal(error.code, 'forbidden');
    assert.equal(error.event, 'node:results');

    const malformed = nextServerError(socket);
    socket.emit('node:results', { ...result, width: -1 });
    assert.equal((await malformed).code, 'bad_request');
    const keyframe = await ask(socket, 'node:keyframe', { cameraId });
    assert.equal(keyframe.ok === false && keyframe.error.code, 'forbidden');

    await new Promise((r) => setTimeout(r, 300));
    assert.deepEqual(heard, [], 'viewers got nothing');
    assert.equal(server.internals.cameras.viewOf(cameraId).analysis.status, 'off', 'the camera has no video: nothing to analyse');
  });

  test('a second connection with the same node id replaces the first, which is told not to come back', async () => {
    const first = open({ protocolVersion: INFERENCE_PROTOCOL_VERSION, secret, nodeId: 'n4' });
    await handshake(first);
    assert.equal((await ask(first, 'node:hello', NODE_HELLO)).ok, true);
    const dropped = new Promise<string>((resolve) => first.once('disconnect', resolve));
    const told = new Promise<unknown>((resolve) => first.once('node:closed', resolve));
    const second = open({ protocolVersion: INFERENCE_PROTOCOL_VERSION, secret, nodeId: 'n4' });
    await handshake(second);
    assert.equal((await ask(second, 'node:hello', NODE_HELLO)).ok, true);
    assert.equal(await dropped, 'io server disconnect');
    // Told not to connect again: two processes with one node id would otherwise take turns for ever.
    assert.deepEqual(await told, { reason: 'replaced by a new connection with the same node id', reconnect: false });
    assert.equal(server.internals.inference.nodes().filter((node) => node.id === 'n4').length, 1);
  });
});

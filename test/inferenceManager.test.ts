/**
 * The InferenceManager's time-driven decisions, in milliseconds instead of the product's seconds: a real server
 * (real mediasoup worker, real SQLite) started with short timings (ServerTiming), nodes that speak the `/inference`
 * protocol from this process (socket.io clients answering camera:assign with real UDP ports), and cameras whose
 * video is a real producer on a PlainTransport. Nodes that go silent are dropped and their cameras move at once;
 * an analysis without results is stalled, then started again from scratch; a node that never says hello is let go.
 * The same behaviour with real inference node processes and real video is test/e2e/liveAnalysisRtsp.test.ts.
 */
import assert from 'node:assert/strict';
import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { after, before, describe, test } from 'node:test';
import type { types } from 'mediasoup';
import { io, type Socket } from 'socket.io-client';
import { readInferenceSecret } from '@maskwatch/common/inferenceSecret';
import { INFERENCE_NAMESPACE, INFERENCE_PROTOCOL_VERSION } from '@maskwatch/protocol/inference';
import { waitFor } from './support/client.ts';
import { h264RtpParameters } from './support/h264.ts';
import { NODE_HELLO } from './support/nodeProtocol.ts';
import { startTestServer, type TestServer } from './support/server.ts';

const TIMING = {
  stallMs: 150,
  startTimeoutMs: 250,
  assignTimeoutMs: 600,
  restartAfterMs: 700,
  nodeTimeoutMs: 400,
  helloTimeoutMs: 300,
  retryMs: 400,
  tickMs: 25,
};

/** A node as the server sees one: it says hello, keeps itself alive with stats, answers assign with real ports. */
class ProtocolNode {
  readonly socket: Socket;
  readonly assigned: string[] = [];
  readonly released: string[] = [];
  /** When this node last sent its stats (what the server last heard of it). */
  lastStatsAt = 0;
  /** How long this node takes to answer camera:assign (a real node answers once its decoder listens). */
  assignDelayMs = 0;
  /** When set, camera:assign is refused with this message (a node out of RTP ports). */
  refuse: string | null = null;
  /** Assignments answered (an answer after the server gave up still counts here). */
  readonly answered: string[] = [];
  readonly #ports: UdpSocket[] = [];
  #alive: NodeJS.Timeout | undefined;

  constructor(
    server: TestServer,
    secret: string,
    readonly id: string,
    readonly maxCameras = NODE_HELLO.capacity.maxCameras,
  ) {
    this.socket = io(`${server.url}${INFERENCE_NAMESPACE}`, {
      auth: { protocolVersion: INFERENCE_PROTOCOL_VERSION, secret, nodeId: id },
      transports: ['websocket'],
      reconnection: false,
      forceNew: true,
    });
    this.socket.on('camera:assign', (request: { cameraId: string }, ack: (answer: unknown) => void) => {
      this.assigned.push(request.cameraId);
      if (this.refuse !== null) return ack({ ok: false, error: { code: 'internal', message: this.refuse } });
      void this.#bindPair().then(([rtp, rtcp]) =>
        setTimeout(() => {
          this.answered.push(request.cameraId);
          ack({ ok: true, data: { rtpPort: rtp, rtcpPort: rtcp } });
        }, this.assignDelayMs),
      );
    });
    this.socket.on('camera:release', (request: { cameraId: string }, ack: (answer: unknown) => void) => {
      this.released.push(request.cameraId);
      ack({ ok: true, data: {} });
    });
  }

  async join(): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.socket.once('connect', () => resolve());
      this.socket.once('connect_error', reject);
    });
    const hello = (await this.socket.timeout(5000).emitWithAck('node:hello', {
      ...NODE_HELLO,
      name: this.id,
      capacity: { ...NODE_HELLO.capacity, maxCameras: this.maxCameras },
    })) as { ok: boolean };
    assert.equal(hello.ok, true);
    this.keepAlive(true);
  }

  /** Stats every 50 ms (alive), or nothing (a node starved of CPU, or hung). */
  keepAlive(on: boolean): void {
    clearInterval(this.#alive);
    this.#alive = on
      ? setInterval(() => {
          const stats = { at: Date.now(), cameras: [], framesPerSecond: 0, busy: 0, process: { cpuPercent: 0, rssBytes: 0 } };
          this.lastStatsAt = Date.now();
          this.socket.emit('node:stats', stats, () => undefined);
        }, 50)
      : undefined;
  }

  /** One analysed frame of `cameraId` with no face (a result all the same). */
  result(cameraId: string, seq: number): void {
    this.socket.emit('node:results', { cameraId, ts: Date.now(), seq, width: 640, height: 360, faces: [], timings: {} });
  }

  /** Safe to call twice. */
  close(): void {
    clearInterval(this.#alive);
    this.socket.close();
    for (const port of this.#ports.splice(0)) port.close();
  }

  /** Two bound UDP sockets (as a decoder's RTP and RTCP), so the server's transport connects to real ports. */
  async #bindPair(): Promise<[number, number]> {
    const bind = () =>
      new Promise<number>((resolve) => {
        const socket = createSocket('udp4');
        this.#ports.push(socket);
        socket.bind(0, '127.0.0.1', () => resolve(socket.address().port));
      });
    return [await bind(), await bind()];
  }
}

describe('InferenceManager with millisecond timings', () => {
  let server: TestServer;
  let secret: string;
  const nodes: ProtocolNode[] = [];
  const transports: types.PlainTransport[] = [];

  before(async () => {
    server = await startTestServer({ timing: { analysis: TIMING } });
    secret = readInferenceSecret(server.dataDir) ?? '';
  });
  after(async () => {
    for (const node of nodes) node.close();
    for (const transport of transports) transport.close();
    await server?.close();
  });

  async function node(id: string, maxCameras?: number): Promise<ProtocolNode> {
    const made = new ProtocolNode(server, secret, id, maxCameras);
    nodes.push(made);
    await made.join();
    return made;
  }

  /** A camera whose video is a real H.264 producer (no RTP flows: the nodes here do not decode). */
  async function liveCamera(name: string): Promise<string> {
    const { cameras, media } = server.internals;
    const camera = cameras.create({ kind: 'browser', name });
    const room = await media.getRoom();
    const transport = await room.createPlainTransport({ cameraId: camera.id, test: true });
    transports.push(transport);
    const producer = await transport.produce({ kind: 'video', rtpParameters: h264RtpParameters(1000 + transports.length) });
    cameras.publish(camera.id, { id: `test-${camera.id}`, stop: () => transport.close() }, { producer, group: room.group });
    return camera.id;
  }

  const analysis = (cameraId: string) => server.internals.cameras.viewOf(cameraId).analysis;

  /** `node` sends results of `cameraId` every 40 ms until its analysis is running, then stops. */
  async function resultsUntilRunning(node: ProtocolNode, cameraId: string, what: string): Promise<void> {
    let seq = 0;
    const flow = setInterval(() => node.result(cameraId, seq++), 40);
    try {
      await waitFor(() => analysis(cameraId).status === 'running', what, 5000, 10);
    } finally {
      clearInterval(flow);
    }
  }

  test('cameras go to the least loaded node; a node that goes silent is dropped and its camera moves at once', async () => {
    const a = await node('node-a');
    const first = await liveCamera('One');
    await waitFor(() => a.assigned.includes(first), 'the first camera on node-a', 5000, 10);
    const b = await node('node-b');
    const second = await liveCamera('Two');
    await waitFor(() => b.assigned.includes(second), 'the second camera on the idle node-b', 5000, 10);

    a.keepAlive(false);
    // Silent since its last stats (up to one stats period before keepAlive(false)): the timeout counts from there.
    const silentAt = a.lastStatsAt;
    await waitFor(() => b.assigned.includes(first), 'the first camera moved to node-b', 5000, 10);
    const movedMs = Date.now() - silentAt;
    assert.ok(movedMs >= TIMING.nodeTimeoutMs, `moved ${movedMs} ms after the node fell silent, before its timeout`);
    assert.ok(!server.internals.inference.nodes().some((n) => n.id === 'node-a'), 'node-a was dropped');
    assert.equal(analysis(first).nodeId, 'node-b');
    a.close();
  });

  test('no first result: starting, then stalled after startTimeoutMs, then started again from scratch', async () => {
    const b = nodes.find((n) => n.id === 'node-b')!;
    const cameraId = await liveCamera('Silent');
    await waitFor(() => b.assigned.includes(cameraId), 'assigned', 5000, 10);
    const assignedAt = Date.now();
    assert.equal(analysis(cameraId).status, 'starting');
    await waitFor(() => analysis(cameraId).status === 'stalled', 'stalled', 5000, 10);
    assert.match(analysis(cameraId).detail ?? '', /no results within/);
    // The restart: the server releases the camera and assigns it again (a new transport, a new decoder port).
    await waitFor(() => b.assigned.filter((id) => id === cameraId).length === 2, 'assigned again', 5000, 10);
    assert.ok(b.released.includes(cameraId), 'the first analysis was released');
    assert.ok(Date.now() - assignedAt >= TIMING.restartAfterMs, 'not restarted before restartAfterMs');
  });

  test('results make it running; results that stop make it stalled, and a key frame is asked for', async () => {
    const b = nodes.find((n) => n.id === 'node-b')!;
    const cameraId = await liveCamera('Flowing');
    await waitFor(() => b.assigned.includes(cameraId), 'assigned', 5000, 10);
    await resultsUntilRunning(b, cameraId, 'running');
    await waitFor(() => analysis(cameraId).status === 'stalled', 'stalled once results stop', 5000, 10);
    assert.match(analysis(cameraId).detail ?? '', /^no results for \d+ s$/);
    assert.equal(analysis(cameraId).nodeId, 'node-b', 'stalled on its node, short of a restart');
  });

  test('a node slow to answer camera:assign is waited for up to assignTimeoutMs, then given up on and tried again', async () => {
    // node-c alone, so that it gets the cameras (the others' cameras move to it, answered at once).
    for (const other of nodes) other.close();
    await waitFor(() => server.internals.inference.nodes().length === 0, 'the other nodes gone', 5000, 10);
    const c = await node('node-c', 16);
    c.assignDelayMs = TIMING.assignTimeoutMs - 350;
    const patient = await liveCamera('Patient');
    await waitFor(() => c.answered.includes(patient), 'the slow answer', 5000, 10);
    await resultsUntilRunning(c, patient, 'running after the slow answer');
    assert.deepEqual(c.assigned.filter((id) => id === patient), [patient], 'assigned once: the server waited for it');
    assert.ok(!c.released.includes(patient), 'not released while the node was answering');

    c.assignDelayMs = TIMING.assignTimeoutMs + 400;
    const hopeless = await liveCamera('Hopeless');
    const askedAt = Date.now();
    await waitFor(() => c.released.includes(hopeless), 'released once the server gave up', 5000, 10);
    const gaveUpMs = Date.now() - askedAt;
    assert.ok(gaveUpMs >= TIMING.assignTimeoutMs - 50, `gave up after ${gaveUpMs} ms, before assignTimeoutMs`);
    assert.ok(!c.answered.includes(hopeless), 'given up on before the node answered');
    await waitFor(() => c.assigned.filter((id) => id === hopeless).length >= 2, 'tried again', 5000, 10);
    c.close();
  });

  test('a camera a node refuses is asked for again every retryMs, not in a loop', async () => {
    const d = await node('node-d', 16);
    d.refuse = 'no free RTP port pair in 61000-61039 on 127.0.0.1';
    const refused = await liveCamera('Refused');
    await waitFor(() => d.assigned.includes(refused), 'asked once', 5000, 10);
    const firstAt = Date.now();
    await new Promise((r) => setTimeout(r, 1200));
    const asks = d.assigned.filter((id) => id === refused).length;
    const rate = (asks * 1000) / (Date.now() - firstAt);
    // Each try ends in state changes ('starting', then 'stalled'): retrying on those asked 10+ times a second.
    assert.ok(rate <= 1000 / TIMING.retryMs + 1.5, `asked ${asks} times in ${Date.now() - firstAt} ms (retryMs ${TIMING.retryMs})`);
    const seen = analysis(refused);
    assert.ok(seen.status === 'stalled' || seen.status === 'starting', seen.status);
    d.refuse = null;
    await waitFor(() => d.answered.includes(refused), `taken once the node has room (asked ${asks}: ${JSON.stringify(analysis(refused))})`, 5000, 10);
    d.close();
  });

  test('a node that connects but never says hello is disconnected after helloTimeoutMs', async () => {
    const mute = io(`${server.url}${INFERENCE_NAMESPACE}`, {
      auth: { protocolVersion: INFERENCE_PROTOCOL_VERSION, secret, nodeId: 'mute' },
      transports: ['websocket'],
      reconnection: false,
      forceNew: true,
    });
    try {
      const connectedAt = await new Promise<number>((resolve) => mute.once('connect', () => resolve(Date.now())));
      const reason = await new Promise<string>((resolve) => mute.once('disconnect', resolve));
      assert.equal(reason, 'io server disconnect');
      assert.ok(Date.now() - connectedAt >= TIMING.helloTimeoutMs - 20);
    } finally {
      mute.close();
    }
  });
});

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { apiAs, cookieFor, connectViewer, createBrowserCamera, connectCamera } from './support/auth.ts';
import { call, connect, nextEvent, request, type ClientSocket } from './support/client.ts';
import { startTestServer, type TestServer } from './support/server.ts';

/** A VP8 stream as a browser would describe it (mediasoup checks it in depth). */
const VP8_RTP_PARAMETERS = {
  mid: '0',
  codecs: [
    {
      mimeType: 'video/VP8',
      payloadType: 96,
      clockRate: 90000,
      rtcpFeedback: [{ type: 'nack' }, { type: 'nack', parameter: 'pli' }],
    },
  ],
  headerExtensions: [],
  encodings: [{ ssrc: 11111111 }],
  rtcp: { cname: 'test', reducedSize: true },
};

describe('signalling round trip (socket.io-client + mediasoup)', () => {
  let server: TestServer;
  const sockets: ClientSocket[] = [];
  before(async () => {
    server = await startTestServer();
  });
  after(async () => {
    for (const socket of sockets) socket.close();
    await server.close();
  });

  test('a camera joins and publishes; a viewer sees its state, consumes and resumes; disconnect goes offline', async () => {
    const { token } = await createBrowserCamera(server, 'Front door');
    const camera = await connectCamera(server, token);
    sockets.push(camera);
    const joined = await call(camera, 'camera:join', {});
    assert.equal(joined.name, 'Front door');
    assert.match(joined.cameraId, /^cam_/);
    assert.ok(Array.isArray((joined.routerRtpCapabilities as { codecs?: unknown[] }).codecs));

    const sendTransport = await call(camera, 'transport:create', { direction: 'send' });
    assert.ok(sendTransport.id);
    assert.ok(sendTransport.iceCandidates.some((c) => c.address === '127.0.0.1' && c.protocol === 'udp'));
    assert.ok(sendTransport.iceCandidates.some((c) => c.protocol === 'tcp'));

    const viewer = await connectViewer(server, 'operator');
    sockets.push(viewer);
    const view = await call(viewer, 'viewer:join', {});
    const listed = view.cameras.find((c) => c.id === joined.cameraId);
    assert.equal(listed?.status, 'connecting');
    assert.equal(listed?.hasVideo, false);

    const facesPushed = nextEvent(viewer, 'camera:state', (s) => s.id === joined.cameraId && s.facesInView === 2);
    await call(camera, 'camera:faces', { count: 2 });
    await facesPushed;

    const livePushed = nextEvent(
      viewer,
      'camera:state',
      (s) => s.id === joined.cameraId && s.status === 'live' && s.hasVideo,
    );
    const { producerId } = await call(camera, 'camera:produce', {
      transportId: sendTransport.id,
      kind: 'video',
      rtpParameters: VP8_RTP_PARAMETERS,
    });
    await livePushed;

    const recvTransport = await call(viewer, 'transport:create', { direction: 'recv' });
    const consumed = await call(viewer, 'viewer:consume', {
      cameraId: joined.cameraId,
      transportId: recvTransport.id,
      rtpCapabilities: view.routerRtpCapabilities,
    });
    assert.equal(consumed.producerId, producerId);
    assert.equal(consumed.kind, 'video');
    await call(viewer, 'viewer:resume', { consumerId: consumed.consumerId });
    const closedAgain = await request(viewer, 'viewer:resume', { consumerId: 'nope' });
    assert.equal(closedAgain.ok, false);

    const offline = nextEvent(
      viewer,
      'camera:state',
      (s) => s.id === joined.cameraId && s.status === 'offline' && !s.hasVideo,
    );
    camera.close();
    await offline;
    const again = await call(viewer, 'viewer:join', {});
    assert.equal(again.cameras.find((c) => c.id === joined.cameraId)?.status, 'offline');
  });

  test('camera:prepare gives the router capabilities without taking the camera; a viewer may not ask', async () => {
    const { token, camera: made } = await createBrowserCamera(server, 'Prepared');
    const page = await connectCamera(server, token);
    sockets.push(page);
    const prepared = await call(page, 'camera:prepare', {});
    const viewer = await connectViewer(server, 'operator');
    sockets.push(viewer);
    const view = await call(viewer, 'viewer:join', {});
    // Nothing taken: the camera is as it was (offline), the page may still join and gets the same capabilities.
    assert.equal(view.cameras.find((c) => c.id === made.id)?.status, 'offline');
    const joined = await call(page, 'camera:join', {});
    assert.equal(joined.cameraId, made.id);
    assert.deepEqual(prepared.routerRtpCapabilities, joined.routerRtpCapabilities);
    const refused = await request(viewer, 'camera:prepare', {});
    assert.equal(refused.ok, false);
    if (!refused.ok) assert.equal(refused.error.code, 'forbidden');
  });

  test("an admin's camera page joins by name: the same name the same camera; one created so persists", async () => {
    const adminCookie = { extraHeaders: { cookie: await cookieFor(server, 'admin') } };
    const a = await connect(server.url, 'camera', {}, adminCookie);
    sockets.push(a);
    const first = await call(a, 'camera:join', { name: 'Lobby' });
    a.close();
    const b = await connect(server.url, 'camera', {}, adminCookie);
    sockets.push(b);
    const second = await call(b, 'camera:join', { name: 'Lobby' });
    assert.equal(second.cameraId, first.cameraId);
    const res = await (await apiAs(server, 'operator'))(`/api/cameras/${first.cameraId}`);
    assert.equal(res.status, 200);
  });

  test('a wrong protocol version or role is refused at the handshake', async () => {
    await assert.rejects(
      connect(server.url, 'viewer', { protocolVersion: 999 }, { extraHeaders: { cookie: await cookieFor(server, 'operator') } }),
      (error: Error & { data?: { code?: string } }) => {
        assert.equal(error.data?.code, 'unsupported_version');
        return true;
      },
    );
    await assert.rejects(
      connect(server.url, 'viewer', { role: 'admin' }),
      (error: Error & { data?: { code?: string } }) => {
        assert.equal(error.data?.code, 'bad_request');
        return true;
      },
    );
  });
});

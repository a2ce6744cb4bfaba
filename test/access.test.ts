/**
 * Access control as an attacker and as its users meet it: other sites, other hosts, publish tokens (their own camera
 * only, revoked at once), password guessing, expired and ended sessions, open enrolment, what operators may not see.
 */
import assert from 'node:assert/strict';
import { request as httpRequest } from 'node:http';
import { after, before, describe, test } from 'node:test';
import type { AuditListResponse, SessionListResponse, UserResponse } from '@maskwatch/protocol/auth';
import type { CameraResponse, ErrorResponse } from '@maskwatch/protocol/http';
import {
  apiAs,
  apiWith,
  connectCamera,
  connectViewer,
  cookieFor,
  createBrowserCamera,
  ensureOperator,
  joinedCamera,
  login,
  TEST_ADMIN,
  TEST_OPERATOR,
} from './support/auth.ts';
import { call, connect, nextEvent, request, waitFor, type ClientSocket } from './support/client.ts';
import { dbSnapshot } from './support/dbSnapshot.ts';
import { freeTcpPort } from './support/rtsp.ts';
import { startTestServer, type TestServer } from './support/server.ts';

const VP8 = {
  mid: '0',
  codecs: [{ mimeType: 'video/VP8', payloadType: 96, clockRate: 90000, rtcpFeedback: [] }],
  encodings: [{ ssrc: 515151 }],
  rtcp: { cname: 'c' },
};

/** A request with exactly these headers (fetch would not let a test set Host or a foreign Origin this freely). */
function raw(
  url: string,
  method: string,
  path: string,
  headers: Record<string, string>,
  body?: string,
): Promise<{ status: number; body: string }> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const req = httpRequest({ hostname, port, method, path, headers }, (res) => {
      let text = '';
      res.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

function refusedWith(code: string) {
  return (error: Error & { data?: { code?: string } }) => {
    assert.equal(error.data?.code, code, error.message);
    return true;
  };
}

describe('access control', () => {
  let server: TestServer;
  const sockets: ClientSocket[] = [];
  before(async () => {
    server = await startTestServer();
    await ensureOperator(server);
  });
  after(async () => {
    for (const socket of sockets) socket.close();
    await server?.close();
  });

  test('another site cannot change anything: cross-origin POSTs (text/plain too), foreign hosts, foreign sockets', async () => {
    const cookie = await cookieFor(server, 'admin');
    const host = new URL(server.url).host;
    const before = dbSnapshot(server.dbPath);
    // What a form or fetch on another site sends: the victim's cookie would not even go (SameSite=Strict); the Origin
    // check refuses it anyway, whatever the body type, before the body is read.
    for (const type of ['text/plain', 'application/json', 'application/x-www-form-urlencoded']) {
      const res = await raw(server.url, 'POST', '/api/cameras', { host, origin: 'http://evil.example', cookie, 'content-type': type }, '{"kind":"browser","name":"Evil"}');
      assert.equal(res.status, 403, type);
      assert.equal((JSON.parse(res.body) as ErrorResponse).error.code, 'forbidden');
    }
    const signIn = await raw(server.url, 'POST', '/api/session', { host, 'sec-fetch-site': 'cross-site', 'content-type': 'text/plain' }, JSON.stringify(TEST_ADMIN));
    assert.equal(signIn.status, 403);
    const del = await raw(server.url, 'DELETE', '/api/session', { host, origin: 'null', cookie });
    assert.equal(del.status, 403);
    assert.deepEqual(dbSnapshot(server.dbPath), before);
    // The same request from our own origin works.
    const own = await raw(server.url, 'POST', '/api/cameras', { host, origin: server.url, cookie, 'content-type': 'application/json' }, '{"kind":"browser","name":"Own"}');
    assert.equal(own.status, 201);
    // A Host that is not this server (DNS rebinding) is not served at all.
    assert.equal((await raw(server.url, 'GET', '/api/health', { host: 'evil.example' })).status, 421);
    assert.equal((await raw(server.url, 'GET', '/api/cameras', { host: `evil.example:${new URL(server.url).port}`, cookie })).status, 421);
    // socket.io: no CORS echo for polling, and a handshake from another origin is refused.
    const polling = await raw(server.url, 'GET', '/socket.io/?EIO=4&transport=polling', { host, origin: 'http://evil.example', cookie });
    assert.equal(polling.status, 403);
    const ownPolling = await raw(server.url, 'GET', '/socket.io/?EIO=4&transport=polling', { host, origin: server.url });
    assert.equal(ownPolling.status, 200);
    assert.equal(ownPolling.body.includes('"sid"'), true);
    await assert.rejects(connect(server.url, 'viewer', {}, { extraHeaders: { cookie, origin: 'http://evil.example' } }));
  });

  test('a publish token publishes to its own camera and no other; it is no session', async () => {
    const door = await createBrowserCamera(server, 'Token door');
    const gate = await createBrowserCamera(server, 'Token gate');
    const socket = await connectCamera(server, door.token);
    sockets.push(socket);
    const joined = await call(socket, 'camera:join', {});
    assert.equal(joined.cameraId, door.camera.id);
    assert.equal(joined.name, 'Token door');
    const other = await request(socket, 'camera:join', { name: 'Token gate' });
    assert.equal(!other.ok && other.error.code, 'forbidden');
    const unknown = await request(socket, 'camera:join', { name: 'Brand new' });
    assert.equal(!unknown.ok && unknown.error.code, 'forbidden');
    assert.equal(server.internals.cameras.getByName('Brand new'), undefined);
    const transport = await call(socket, 'transport:create', { direction: 'send' });
    await call(socket, 'camera:produce', { transportId: transport.id, kind: 'video', rtpParameters: VP8 });
    assert.equal(server.internals.cameras.viewOf(door.camera.id).hasVideo, true);
    assert.equal(server.internals.cameras.viewOf(gate.camera.id).hasVideo, false);
    // Nothing else: no viewing, no REST.
    const viewer = await request(socket, 'viewer:join', {});
    assert.equal(!viewer.ok && viewer.error.code, 'forbidden');
    assert.equal((await apiWith(server.url, `maskwatch_session=${door.token}`)('/api/cameras')).status, 401);
    // A made-up or another camera's mangled token opens nothing.
    await assert.rejects(connectCamera(server, 'x'.repeat(43)), refusedWith('unauthorized'));
    // The last character changed (to another one: a token that ends in A would stay itself, 1 run in 64).
    const mangled = `${gate.token.slice(0, -1)}${gate.token.endsWith('A') ? 'B' : 'A'}`;
    await assert.rejects(connectCamera(server, mangled), refusedWith('unauthorized'));
  });

  test('a revoked token stops at once: the publishing socket is told and dropped, the video ends, it cannot return', async () => {
    const admin = await apiAs(server, 'admin');
    const { socket, cameraId, token } = await joinedCamera(server, 'Revoked door');
    sockets.push(socket);
    const transport = await call(socket, 'transport:create', { direction: 'send' });
    await call(socket, 'camera:produce', { transportId: transport.id, kind: 'video', rtpParameters: VP8 });
    assert.equal(server.internals.cameras.viewOf(cameraId).hasVideo, true);
    const told = nextEvent(socket, 'server:error', (e) => e.code === 'unauthorized' && e.event === 'camera:join');
    const dropped = new Promise<string>((resolve) => socket.once('disconnect', resolve));
    const res = await admin(`/api/cameras/${cameraId}/publish-link`, { method: 'DELETE' });
    assert.equal(res.status, 204);
    // "At once": by the time the DELETE has answered, the camera has no video any more.
    assert.equal(server.internals.cameras.viewOf(cameraId).hasVideo, false);
    await told;
    assert.equal(await dropped, 'io server disconnect');
    await assert.rejects(connectCamera(server, token), refusedWith('unauthorized'));

    // A new link works; making another retires it the same way.
    const fresh = (await (await admin(`/api/cameras/${cameraId}/publish-link`, { method: 'POST' })).json()) as { publishUrl: string };
    const newToken = new URLSearchParams(new URL(fresh.publishUrl).hash.slice(1)).get('token') ?? '';
    const again = await connectCamera(server, newToken);
    sockets.push(again);
    assert.equal((await call(again, 'camera:join', {})).cameraId, cameraId);
    const againDropped = new Promise<string>((resolve) => again.once('disconnect', resolve));
    assert.equal((await admin(`/api/cameras/${cameraId}/publish-link`, { method: 'POST' })).status, 201);
    await againDropped;
    await assert.rejects(connectCamera(server, newToken), refusedWith('unauthorized'));
    const audit = (await (await admin('/api/audit?limit=50')).json()) as AuditListResponse;
    assert.ok(audit.entries.some((e) => e.action === 'camera.link_revoke' && e.target === cameraId && e.actor === 'admin'));
  });

  test('password guessing is throttled per account: a wait, then refusals even for the right password', async () => {
    const victim = { username: 'guard', password: 'a long sentry passphrase' };
    const admin = await apiAs(server, 'admin');
    assert.equal((await admin('/api/users', { method: 'POST', json: { ...victim, role: 'operator' } })).status, 201);
    const attempt = (password: string) =>
      fetch(`${server.url}/api/session`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: victim.username, password }),
      });
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) statuses.push((await attempt(`guess number ${i}`)).status);
    assert.deepEqual(statuses, [401, 401, 401, 401, 401, 401], 'five free failures, the sixth fails too (and starts the wait)');
    const throttled = await attempt(victim.password);
    assert.equal(throttled.status, 429);
    assert.equal(((await throttled.json()) as ErrorResponse).error.code, 'rate_limited');
    assert.ok(Number(throttled.headers.get('retry-after')) >= 1);
    // Other accounts sign in as usual from the same address.
    await login(server.url, TEST_OPERATOR.username, TEST_OPERATOR.password);
    // After the wait, the right password works (and resets the account's count).
    await new Promise((resolve) => setTimeout(resolve, Number(throttled.headers.get('retry-after')) * 1000 + 100));
    assert.equal((await attempt(victim.password)).status, 200);
    const audit = (await (await admin('/api/audit?limit=100')).json()) as AuditListResponse;
    const failures = audit.entries.filter((e) => e.action === 'session.login_failed' && e.detail?.username === 'guard');
    assert.equal(failures.length, 6);
    // Unknown names are not written down (a password typed into the name field must not end up in the log).
    await fetch(`${server.url}/api/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'my secret pw', password: 'x' }) });
    const after = (await (await admin('/api/audit?limit=5')).json()) as AuditListResponse;
    assert.equal(after.entries[0]?.action, 'session.login_failed');
    assert.doesNotMatch(JSON.stringify(after.entries[0]), /my secret pw/);
  });

  test('signing out, ending a session, disabling a user: REST and open sockets stop at once', async () => {
    const admin = await apiAs(server, 'admin');
    const cookie = await login(server.url, TEST_OPERATOR.username, TEST_OPERATOR.password);
    const viewer = await connectViewer(server, 'operator', cookie);
    sockets.push(viewer);
    await call(viewer, 'viewer:join', {});
    const dropped = new Promise<string>((resolve) => viewer.once('disconnect', resolve));
    const signOut = await apiWith(server.url, cookie)('/api/session', { method: 'DELETE' });
    assert.equal(signOut.status, 204);
    assert.match(signOut.headers.get('set-cookie') ?? '', /Max-Age=0/);
    await dropped;
    assert.equal((await apiWith(server.url, cookie)('/api/cameras')).status, 401);
    await assert.rejects(connectViewer(server, 'operator', cookie), refusedWith('unauthorized'));

    // An admin ends someone's session from the sessions list.
    const second = await login(server.url, TEST_OPERATOR.username, TEST_OPERATOR.password);
    const list = (await (await admin('/api/sessions')).json()) as SessionListResponse;
    const mine = list.sessions.filter((s) => s.username === TEST_OPERATOR.username);
    assert.ok(mine.length >= 1);
    for (const session of mine) assert.equal((await admin(`/api/sessions/${session.id}`, { method: 'DELETE' })).status, 204);
    assert.equal((await apiWith(server.url, second)('/api/cameras')).status, 401);

    // Disabling a user ends their sessions and keeps them out; enabling lets them back in with a new sign-in.
    const third = await login(server.url, TEST_OPERATOR.username, TEST_OPERATOR.password);
    const { user } = (await (await admin('/api/users', { method: 'POST', json: { username: 'temp', password: 'brief visit pass', role: 'operator' } })).json()) as UserResponse;
    const tempCookie = await login(server.url, 'temp', 'brief visit pass');
    assert.equal((await admin(`/api/users/${user.id}`, { method: 'PATCH', json: { disabled: true } })).status, 200);
    assert.equal((await apiWith(server.url, tempCookie)('/api/cameras')).status, 401);
    await assert.rejects(login(server.url, 'temp', 'brief visit pass'), /401/);
    assert.equal((await apiWith(server.url, third)('/api/cameras')).status, 200, "others' sessions are untouched");
    // The last enabled admin cannot lock everyone out.
    const users = (await (await admin('/api/users')).json()) as { users: { id: string; username: string }[] };
    const adminId = users.users.find((u) => u.username === 'admin')?.id ?? '';
    for (const change of [{ role: 'operator' }, { disabled: true }]) {
      const res = await admin(`/api/users/${adminId}`, { method: 'PATCH', json: change });
      assert.equal(res.status, 409, JSON.stringify(change));
    }
    assert.equal((await admin(`/api/users/${adminId}`, { method: 'DELETE' })).status, 409);
  });

  test('open enrolment: off by default; on, a page publishes under any name; off again drops it', async () => {
    const admin = await apiAs(server, 'admin');
    await assert.rejects(connect(server.url, 'camera'), refusedWith('unauthorized'));
    await assert.rejects(
      connect(server.url, 'camera', {}, { extraHeaders: { cookie: await cookieFor(server, 'operator') } }),
      refusedWith('forbidden'),
    );
    assert.equal((await admin('/api/settings', { method: 'PATCH', json: { openEnrolment: true } })).status, 200);
    const lab = await connect(server.url, 'camera');
    sockets.push(lab);
    const joined = await call(lab, 'camera:join', { name: 'Lab bench' });
    assert.equal(server.internals.cameras.get(joined.cameraId)?.name, 'Lab bench');
    const dropped = new Promise<string>((resolve) => lab.once('disconnect', resolve));
    assert.equal((await admin('/api/settings', { method: 'PATCH', json: { openEnrolment: false } })).status, 200);
    await dropped;
    const audit = (await (await admin('/api/audit?limit=20')).json()) as AuditListResponse;
    const created = audit.entries.find((e) => e.action === 'camera.create' && e.target === joined.cameraId);
    assert.equal(created?.actor, 'anonymous');
    assert.equal(created?.detail?.via, 'open enrolment');
  });

  test('camera networks: link-local denied by default, an admin may deny more; operators see no sources or raw errors', async () => {
    const admin = await apiAs(server, 'admin');
    const operator = await apiAs(server, 'operator');
    const metadata = await admin('/api/cameras', { method: 'POST', json: { kind: 'rtsp', name: 'Metadata', rtspUrl: 'rtsp://169.254.169.254/x' } });
    assert.equal(metadata.status, 400);
    assert.ok(((await metadata.json()) as ErrorResponse).error.issues?.some((i) => i.path === 'rtspUrl'));
    assert.equal((await admin('/api/settings', { method: 'PATCH', json: { cameraNetworks: { allow: [], deny: ['127.0.0.0/8'] } } })).status, 200);
    assert.equal((await admin('/api/cameras', { method: 'POST', json: { kind: 'rtsp', name: 'Local', rtspUrl: 'rtsp://127.0.0.1:8554/x' } })).status, 400);
    assert.equal((await admin('/api/settings', { method: 'PATCH', json: { cameraNetworks: { allow: [], deny: [] } } })).status, 200);

    // A closed local port: ffmpeg says "Connection refused"; admins read that, operators a neutral sentence.
    const port = await freeTcpPort();
    const created = await admin('/api/cameras', { method: 'POST', json: { kind: 'rtsp', name: 'Closed port', rtspUrl: `rtsp://user:pw@127.0.0.1:${port}/x` } });
    const { camera } = (await created.json()) as CameraResponse;
    const asAdmin = await waitFor(async () => {
      const view = ((await (await admin(`/api/cameras/${camera.id}`)).json()) as CameraResponse).camera;
      return view.status === 'error' ? view : undefined;
    }, 'the ingest to fail', 30_000);
    assert.match(asAdmin.statusDetail ?? '', /refused/i);
    assert.match(asAdmin.rtspUrl ?? '', /127\.0\.0\.1/);
    const asOperator = ((await (await operator(`/api/cameras/${camera.id}`)).json()) as CameraResponse).camera;
    assert.equal(asOperator.status, 'error');
    assert.equal(asOperator.rtspUrl, null);
    assert.doesNotMatch(asOperator.statusDetail ?? '', /refused/i);
    const viewer = await connectViewer(server, 'operator');
    sockets.push(viewer);
    const listed = (await call(viewer, 'viewer:join', {})).cameras.find((c) => c.id === camera.id);
    assert.equal(listed?.rtspUrl, null);
    assert.doesNotMatch(listed?.statusDetail ?? '', /refused/i);
    assert.equal((await admin(`/api/cameras/${camera.id}`, { method: 'DELETE' })).status, 204);
  });
});

describe('session expiry', () => {
  let server: TestServer;
  before(async () => {
    // 3.6 s sessions: long enough to use, short enough to outlive in a test.
    server = await startTestServer({ env: { MASKWATCH_SESSION_HOURS: '0.001' } });
  });
  after(async () => {
    await server?.close();
  });

  test('an expired session is refused by REST and socket.io, and an open socket of it is dropped', async () => {
    const cookie = await login(server.url, TEST_ADMIN.username, TEST_ADMIN.password);
    const api = apiWith(server.url, cookie);
    assert.equal((await api('/api/cameras')).status, 200);
    const viewer = await connectViewer(server, 'admin', cookie);
    const told = nextEvent(viewer, 'server:error', (e) => e.code === 'unauthorized', 10_000);
    const dropped = new Promise<string>((resolve) => viewer.once('disconnect', resolve));
    await told;
    await dropped;
    assert.equal((await api('/api/cameras')).status, 401);
    await assert.rejects(connectViewer(server, 'admin', cookie), refusedWith('unauthorized'));
    viewer.close();
  });
});

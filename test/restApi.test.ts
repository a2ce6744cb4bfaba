import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { request as httpRequest } from 'node:http';
import {
  MAX_JSON_BODY_BYTES,
  type CameraListResponse,
  type CameraResponse,
  type ErrorResponse,
  type HealthResponse,
} from '@maskwatch/protocol/http';
import { apiAs, connectViewer, cookieFor, type Api } from './support/auth.ts';
import { call, nextEvent, type ClientSocket } from './support/client.ts';
import { dbSnapshot } from './support/dbSnapshot.ts';
import { startTestServer, type TestServer } from './support/server.ts';

describe('REST API', () => {
  let server: TestServer;
  let viewer: ClientSocket;
  let admin: Api;
  before(async () => {
    server = await startTestServer();
    admin = await apiAs(server, 'admin');
    viewer = await connectViewer(server, 'admin');
    await call(viewer, 'viewer:join', {});
  });
  after(async () => {
    viewer?.close();
    await server?.close();
  });

  const post = (path: string, body: string, type = 'application/json', method = 'POST') =>
    admin(path, { method, headers: { 'content-type': type }, body });

  test('health', async () => {
    const res = await fetch(`${server.url}/api/health`);
    assert.equal(res.status, 200);
    const body = (await res.json()) as HealthResponse;
    assert.equal(body.ok, true);
    assert.deepEqual(body.workers, { alive: 1, total: 1 });
  });

  test('create, list, update, delete; viewers get every change live; credentials are redacted', async () => {
    const created = nextEvent(viewer, 'camera:state', (v) => v.name === 'Gate');
    const res = await post(
      '/api/cameras',
      JSON.stringify({ kind: 'rtsp', name: 'Gate', rtspUrl: 'rtsp://user:secret@192.0.2.1:554/s', enabled: false }),
    );
    assert.equal(res.status, 201);
    const { camera } = (await res.json()) as CameraResponse;
    assert.equal(camera.rtspUrl, 'rtsp://***:***@192.0.2.1:554/s');
    assert.equal(camera.status, 'offline');
    assert.equal((await created).id, camera.id);

    const list = (await (await admin('/api/cameras')).json()) as CameraListResponse;
    assert.deepEqual(
      list.cameras.map((c) => c.id),
      [camera.id],
    );

    const renamed = nextEvent(viewer, 'camera:state', (v) => v.id === camera.id && v.name === 'Back gate');
    const patched = await post(
      `/api/cameras/${camera.id}`,
      JSON.stringify({ name: 'Back gate' }),
      'application/json',
      'PATCH',
    );
    assert.equal(patched.status, 200);
    await renamed;

    const dup = await post('/api/cameras', JSON.stringify({ kind: 'browser', name: 'Back gate' }));
    assert.equal(dup.status, 409);
    assert.equal(((await dup.json()) as ErrorResponse).error.code, 'conflict');

    const removed = nextEvent(viewer, 'camera:removed', (e) => e.cameraId === camera.id);
    assert.equal((await admin(`/api/cameras/${camera.id}`, { method: 'DELETE' })).status, 204);
    await removed;
    assert.equal((await admin(`/api/cameras/${camera.id}`)).status, 404);
    assert.equal((await admin(`/api/cameras/${camera.id}`, { method: 'DELETE' })).status, 404);
  });

  test('malformed bodies get 4xx with codes and leave the database unchanged', async () => {
    const keep = await post('/api/cameras', JSON.stringify({ kind: 'browser', name: 'Keep' }));
    const { camera } = (await keep.json()) as CameraResponse;
    const before = dbSnapshot(server.dbPath);
    const cases: [string, string, string, string, number, string, string?][] = [
      [
        'POST',
        '/api/cameras',
        JSON.stringify({ kind: 'browser', name: 7 }),
        'application/json',
        400,
        'bad_request',
        'name',
      ],
      ['POST', '/api/cameras', JSON.stringify({ kind: 'browser' }), 'application/json', 400, 'bad_request', 'name'],
      [
        'POST',
        '/api/cameras',
        JSON.stringify({ kind: 'rtsp', name: 'X' }),
        'application/json',
        400,
        'bad_request',
        'rtspUrl',
      ],
      [
        'POST',
        '/api/cameras',
        JSON.stringify({ kind: 'rtsp', name: 'X', rtspUrl: 'http://example.com' }),
        'application/json',
        400,
        'bad_request',
        'rtspUrl',
      ],
      [
        'POST',
        '/api/cameras',
        JSON.stringify({ kind: 'browser', name: 'X', id: 'mine' }),
        'application/json',
        400,
        'bad_request',
      ],
      [
        'POST',
        '/api/cameras',
        JSON.stringify({ kind: 'drone', name: 'X' }),
        'application/json',
        400,
        'bad_request',
        'kind',
      ],
      ['POST', '/api/cameras', JSON.stringify([1, 2]), 'application/json', 400, 'bad_request'],
      ['POST', '/api/cameras', '{"kind": "browser", "name": ', 'application/json', 400, 'bad_request'],
      ['POST', '/api/cameras', 'kind=browser&name=X', 'application/x-www-form-urlencoded', 400, 'bad_request'],
      [
        'POST',
        '/api/cameras',
        JSON.stringify({ kind: 'browser', name: 'x'.repeat(MAX_JSON_BODY_BYTES) }),
        'application/json',
        413,
        'payload_too_large',
      ],
      ['PATCH', `/api/cameras/${camera.id}`, JSON.stringify({}), 'application/json', 400, 'bad_request'],
      [
        'PATCH',
        `/api/cameras/${camera.id}`,
        JSON.stringify({ enabled: 'yes' }),
        'application/json',
        400,
        'bad_request',
        'enabled',
      ],
      ['PATCH', `/api/cameras/${camera.id}`, JSON.stringify({ kind: 'rtsp' }), 'application/json', 400, 'bad_request'],
      [
        'PATCH',
        `/api/cameras/${camera.id}`,
        JSON.stringify({ rtspUrl: 'rtsp://h/s' }),
        'application/json',
        400,
        'bad_request',
      ],
      ['PATCH', '/api/cameras/cam_nope', JSON.stringify({ name: 'Y' }), 'application/json', 404, 'not_found'],
      ['PATCH', '/api/cameras/bad%20id', JSON.stringify({ name: 'Y' }), 'application/json', 400, 'bad_request'],
      ['PUT', '/api/cameras', JSON.stringify({}), 'application/json', 405, 'method_not_allowed'],
      ['GET', '/api/nothing-here', '', 'application/json', 404, 'not_found'],
    ];
    for (const [method, path, body, type, status, code, field] of cases) {
      const res = await admin(path, {
        method,
        headers: { 'content-type': type },
        ...(method === 'GET' ? {} : { body }),
      });
      const label = `${method} ${path} ${body.slice(0, 60)}`;
      assert.equal(res.status, status, label);
      const answer = (await res.json()) as ErrorResponse;
      assert.equal(answer.error.code, code, label);
      assert.equal(typeof answer.error.message, 'string');
      if (field)
        assert.ok(
          answer.error.issues?.some((i) => i.path === field),
          `${label}: ${JSON.stringify(answer.error.issues)}`,
        );
    }
    assert.deepEqual(dbSnapshot(server.dbPath), before);
    assert.equal((await fetch(`${server.url}/api/health`)).status, 200);
  });

  test('probe findings: malformed escapes are 400 (not 500); JSON only when declared exactly so', async () => {
    const cookie = await cookieFor(server, 'admin');
    const rawRequest = (method: string, path: string, headers: Record<string, string>, body?: string | Buffer) =>
      rawHttp(server.url, method, path, { ...headers, cookie }, body);
    const before = dbSnapshot(server.dbPath);
    for (const path of ['/api/cameras/%', '/api/cameras/%zz', '/api/cameras/%C0%AE', '/api/cameras/%E0%A4%A']) {
      for (const method of ['GET', 'PATCH', 'DELETE']) {
        const res = await rawRequest(
          method,
          path,
          { 'content-type': 'application/json' },
          method === 'PATCH' ? '{"name":"Z"}' : undefined,
        );
        assert.equal(res.status, 400, `${method} ${path}`);
        assert.equal((JSON.parse(res.body) as ErrorResponse).error.code, 'bad_request', `${method} ${path}`);
      }
    }
    const body = JSON.stringify({ kind: 'browser', name: 'Typed' });
    // (`Content-Type:  application/json` with a leading space is the same header: HTTP strips the optional whitespace
    // around a field value before any application sees it, RFC 9110 5.5.)
    for (const type of [
      'application/json; charset=utf-16',
      'APPLICATION/JSON',
      'text/plain',
      'text/plain; charset=utf-8',
      'application/json; boundary=x',
    ]) {
      const res = await rawRequest('POST', '/api/cameras', { 'content-type': type }, body);
      assert.equal(res.status, 400, JSON.stringify(type));
    }
    const bad = await rawRequest('POST', '/api/cameras', { 'content-type': 'application/json' }, Buffer.from([0x7b, 0xff, 0x7d]));
    assert.equal(bad.status, 400);
    assert.deepEqual(dbSnapshot(server.dbPath), before);
    const ok = await rawRequest('POST', '/api/cameras', { 'content-type': 'application/json; charset=UTF-8' }, body);
    assert.equal(ok.status, 201);
  });
});

/** A request as written, byte for byte (fetch would normalise the header values and the path). */
function rawHttp(
  base: string,
  method: string,
  path: string,
  headers: Record<string, string>,
  body?: string | Buffer,
): Promise<{ status: number; body: string }> {
  const { hostname, port } = new URL(base);
  return new Promise((resolve, reject) => {
    const req = httpRequest({ hostname, port, method, path, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

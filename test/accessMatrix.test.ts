/**
 * The whole access matrix, generated from the REST route table and the protocol's request list (a new route or
 * request is in it without anyone adding it here): every route and every socket request, as nobody, an operator, an
 * admin and a camera's publish token. Refused callers get 401 `unauthorized` (nobody known) or 403 `forbidden`
 * (known, not allowed); allowed ones get past both (their placeholder ids and empty bodies may still be a 400/404).
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { roleAllows } from '@maskwatch/protocol/auth';
import type { ErrorResponse } from '@maskwatch/protocol/http';
import { clientRequests, type ClientRequestName } from '@maskwatch/protocol/signalling';
import { REQUEST_ACCESS } from '@maskwatch/server/signalling/requestAccess';
import { createBrowserCamera, ensureOperator, login, TEST_ADMIN, TEST_OPERATOR } from './support/auth.ts';
import { connect, request, type ClientSocket } from './support/client.ts';
import { startTestServer, type TestServer } from './support/server.ts';

type Who = 'anonymous' | 'operator' | 'admin' | 'camera token';
const EVERYONE: Who[] = ['anonymous', 'operator', 'admin', 'camera token'];

describe('access matrix', () => {
  let server: TestServer;
  let token: string;
  before(async () => {
    server = await startTestServer();
    await ensureOperator(server);
    ({ token } = await createBrowserCamera(server, 'Matrix door'));
  });
  after(async () => {
    await server?.close();
  });

  /** Headers for `who`: a fresh session each time (some routes end the session they are called with). */
  async function headersOf(who: Who): Promise<Record<string, string>> {
    if (who === 'admin') return { cookie: await login(server.url, TEST_ADMIN.username, TEST_ADMIN.password) };
    if (who === 'operator') return { cookie: await login(server.url, TEST_OPERATOR.username, TEST_OPERATOR.password) };
    // A camera's token is no session, wherever it is put.
    if (who === 'camera token') return { cookie: `maskwatch_session=${token}`, authorization: `Bearer ${token}` };
    return {};
  }

  test('every REST route x nobody / operator / admin / camera token: 401, 403 or through', async () => {
    const routes = server.internals.routes;
    assert.ok(routes.length >= 17, `only ${routes.length} routes in the table`);
    const rows: string[] = [];
    for (const route of routes) {
      const path = route.path.replace(/:(\w+)/g, 'matrix_$1');
      for (const who of EVERYONE) {
        const headers = await headersOf(who);
        const res = await fetch(`${server.url}${path}`, {
          method: route.method,
          headers: { ...headers, ...(route.method === 'GET' ? {} : { 'content-type': 'application/json' }) },
          ...(route.method === 'GET' ? {} : { body: '{}' }),
        });
        const label = `${route.method} ${route.path} as ${who} -> ${res.status}`;
        rows.push(label);
        const role = who === 'operator' || who === 'admin' ? who : null;
        if (route.access === 'public' || roleAllows(role, route.access)) {
          assert.ok(res.status !== 401 && res.status !== 403, `${label}: should be let through (${route.access})`);
          // GET routes without parameters work outright for whoever may call them.
          if (route.method === 'GET' && !route.path.includes(':')) assert.equal(res.status, 200, label);
        } else {
          const expected = role === null ? 401 : 403;
          assert.equal(res.status, expected, `${label}: ${route.access} only`);
          const body = (await res.json()) as ErrorResponse;
          assert.equal(body.error.code, expected === 401 ? 'unauthorized' : 'forbidden', label);
        }
        await res.body?.cancel().catch(() => undefined);
      }
    }
    if (process.env.MASKWATCH_MATRIX) console.log(rows.join('\n'));
  });

  test('every socket request x nobody / operator / admin / camera token: refused at the handshake, forbidden or through', async () => {
    const names = Object.keys(clientRequests) as ClientRequestName[];
    assert.deepEqual(new Set(Object.keys(REQUEST_ACCESS)), new Set(names), 'REQUEST_ACCESS lists every request');
    // Nobody: neither kind of connection opens (open enrolment is off by default).
    for (const role of ['viewer', 'camera'] as const) {
      await assert.rejects(connect(server.url, role), (error: Error & { data?: { code?: string } }) => {
        assert.equal(error.data?.code, 'unauthorized', `anonymous ${role}`);
        return true;
      });
    }
    // A camera token does not make a viewer, even with the token.
    await assert.rejects(connect(server.url, 'viewer', { token }), (error: Error & { data?: { code?: string } }) => {
      assert.equal(error.data?.code, 'unauthorized');
      return true;
    });
    const sockets: [Exclude<Who, 'anonymous'>, ClientSocket][] = [];
    try {
      for (const who of ['operator', 'admin'] as const)
        sockets.push([who, await connect(server.url, 'viewer', {}, { extraHeaders: await headersOf(who) })]);
      sockets.push(['camera token', await connect(server.url, 'camera', { token })]);
      for (const name of names) {
        for (const [who, socket] of sockets) {
          const access = who === 'camera token' ? 'camera' : who;
          const answer = await request(socket, name, {} as never);
          const code = answer.ok ? 'ok' : answer.error.code;
          const label = `${name} as ${who} -> ${code}`;
          if (REQUEST_ACCESS[name].includes(access)) assert.ok(code !== 'forbidden' && code !== 'unauthorized', label);
          else assert.equal(code, 'forbidden', label);
        }
      }
    } finally {
      for (const [, socket] of sockets) socket.close();
    }
  });
});

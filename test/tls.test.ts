import { readFileSync } from 'node:fs';
import { get, request } from 'node:https';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { TEST_ADMIN } from './support/auth.ts';
import { call, connect } from './support/client.ts';
import { startTestServer, type TestServer } from './support/server.ts';

describe('TLS on', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer({ env: { MASKWATCH_TLS: 'on' } });
  });
  after(async () => {
    await server?.close();
  });

  test('serves HTTPS with the self-signed certificate from the data dir, socket.io included', async () => {
    assert.match(server.url, /^https:\/\/127\.0\.0\.1:\d+$/);
    const ca = readFileSync(join(server.dataDir, 'tls', 'cert.pem'));
    const body = await new Promise<string>((resolve, reject) => {
      get(`${server.url}/api/health`, { ca }, (res) => {
        let text = '';
        res.on('data', (chunk) => (text += chunk));
        res.on('end', () => resolve(text));
      }).on('error', reject);
    });
    assert.equal(JSON.parse(body).ok, true);
    // Over HTTPS the session cookie is __Host- prefixed and Secure.
    const signIn = await new Promise<{ cookie: string; status: number }>((resolve, reject) => {
      const req = request(`${server.url}/api/session`, { method: 'POST', ca, headers: { 'content-type': 'application/json' } }, (res) => {
        res.resume();
        resolve({ status: res.statusCode ?? 0, cookie: res.headers['set-cookie']?.[0] ?? '' });
      });
      req.on('error', reject);
      req.end(JSON.stringify({ username: 'admin', password: TEST_ADMIN.password }));
    });
    assert.equal(signIn.status, 200);
    assert.match(signIn.cookie, /^__Host-maskwatch_session=[\w-]+; Path=\/; HttpOnly; SameSite=Strict; Max-Age=\d+; Secure$/);
    const cookie = signIn.cookie.split(';')[0] ?? '';
    const viewer = await connect(server.url, 'viewer', {}, { ca: ca.toString(), extraHeaders: { cookie } });
    try {
      assert.ok((await call(viewer, 'viewer:join', {})).routerRtpCapabilities);
    } finally {
      viewer.close();
    }
  });
});

import { readFileSync } from 'node:fs';
import { get } from 'node:https';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
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
    const viewer = await connect(server.url, 'viewer', {}, { ca: ca.toString() });
    try {
      assert.ok((await call(viewer, 'viewer:join', {})).routerRtpCapabilities);
    } finally {
      viewer.close();
    }
  });
});

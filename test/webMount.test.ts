import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { connectViewer } from './support/auth.ts';
import { call } from './support/client.ts';
import { REPO_ROOT } from './support/rtsp.ts';
import { startTestServer, type TestServer } from './support/server.ts';

const built = existsSync(join(REPO_ROOT, 'apps/web/.next/BUILD_ID'));

describe(
  'pages, API and socket.io on one origin',
  { skip: built ? false : 'apps/web is not built (npm run build -w @maskwatch/web)' },
  () => {
    let server: TestServer;
    before(async () => {
      server = await startTestServer({ web: true });
    });
    after(async () => {
      await server?.close();
    });

    test('Next.js serves the pages; /api and /socket.io stay with the server', async () => {
      for (const page of ['/camera', '/login']) {
        const res = await fetch(`${server.url}${page}`);
        assert.equal(res.status, 200, page);
        assert.match(res.headers.get('content-type') ?? '', /text\/html/);
      }
      const health = await fetch(`${server.url}/api/health`);
      assert.equal(health.status, 200);
      assert.match(health.headers.get('content-type') ?? '', /application\/json/);
      const viewer = await connectViewer(server, 'operator');
      try {
        assert.ok(Array.isArray((await call(viewer, 'viewer:join', {})).cameras));
      } finally {
        viewer.close();
      }
    });
  },
);

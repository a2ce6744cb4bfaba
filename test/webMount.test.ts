import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { apiAs, connectViewer, cookieFor } from './support/auth.ts';
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

    test('Next.js serves the pages (signed in where they need it, with CSP); /api and /socket.io stay with the server', async () => {
      for (const page of ['/camera', '/login']) {
        const res = await fetch(`${server.url}${page}`);
        assert.equal(res.status, 200, page);
        assert.match(res.headers.get('content-type') ?? '', /text\/html/);
      }
      const health = await fetch(`${server.url}/api/health`);
      assert.equal(health.status, 200);
      assert.match(health.headers.get('content-type') ?? '', /application\/json/);
      // Pages that need a user send a visitor to the login page first.
      for (const page of ['/console', '/admin', '/admin/users', '/']) {
        const res = await fetch(`${server.url}${page}`, { redirect: 'manual' });
        assert.equal(res.status, 303, page);
        assert.equal(res.headers.get('location'), `/login?next=${encodeURIComponent(page)}`);
      }
      const operator = await cookieFor(server, 'operator');
      assert.equal((await fetch(`${server.url}/console`, { headers: { cookie: operator } })).status, 200);
      // An operator gets the admin page's shell, which says "Admins only" (its data stays behind admin-only routes).
      const shell = await fetch(`${server.url}/admin/users`, { headers: { cookie: operator }, redirect: 'manual' });
      assert.equal(shell.status, 200);
      assert.equal((await (await apiAs(server, 'operator'))('/api/users')).status, 403);
      const admin = await fetch(`${server.url}/admin/users`, { headers: { cookie: await cookieFor(server, 'admin') } });
      assert.equal(admin.status, 200);
      // Every page: a CSP whose script nonce is on each of its scripts, no framing, no sniffing, no referrer.
      const login = await fetch(`${server.url}/login`);
      const csp = login.headers.get('content-security-policy') ?? '';
      const nonce = /'nonce-([^']+)'/.exec(csp)?.[1];
      assert.ok(nonce, csp);
      assert.match(csp, /frame-ancestors 'none'/);
      assert.doesNotMatch(csp, /'unsafe-eval'|script-src[^;]*'unsafe-inline'/);
      assert.equal(login.headers.get('x-frame-options'), 'DENY');
      assert.equal(login.headers.get('x-content-type-options'), 'nosniff');
      assert.equal(login.headers.get('referrer-policy'), 'no-referrer');
      const scripts = (await login.text()).match(/<script\b[^>]*>/g) ?? [];
      assert.ok(scripts.length > 0);
      for (const script of scripts) assert.ok(script.includes(`nonce="${nonce}"`), script);
      const again = /'nonce-([^']+)'/.exec((await fetch(`${server.url}/login`)).headers.get('content-security-policy') ?? '')?.[1];
      assert.notEqual(again, nonce, 'a fresh nonce per response');
      const api = await (await apiAs(server, 'operator'))('/api/cameras');
      assert.equal(api.headers.get('x-content-type-options'), 'nosniff');
      assert.match(api.headers.get('content-security-policy') ?? '', /default-src 'none'/);

      const viewer = await connectViewer(server, 'operator');
      try {
        assert.ok(Array.isArray((await call(viewer, 'viewer:join', {})).cameras));
      } finally {
        viewer.close();
      }
    });
  },
);

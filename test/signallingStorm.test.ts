/**
 * The probe's push storm: one camera socket sends 4,000 camera:faces as fast as it can. It gets `rate_limited` past
 * its limit and is dropped as a flood; viewers get a few coalesced camera:state pushes, not thousands; the other
 * clients and /api/health carry on. (Timing here is generous on purpose: the 50 ms health target belongs to a
 * benchmark; this guards against the 8-second stall the probe measured.)
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { connectViewer, createBrowserCamera, joinedCamera } from './support/auth.ts';
import { call, type ClientSocket } from './support/client.ts';
import { REPO_ROOT } from './support/rtsp.ts';
import { startTestServer, type TestServer } from './support/server.ts';

type StormResult = { acks: Record<string, number>; disconnected: boolean; answered: number; ms: number };

describe('a camera:faces storm from one socket', () => {
  let server: TestServer;
  const sockets: ClientSocket[] = [];
  before(async () => {
    server = await startTestServer();
  });
  after(async () => {
    for (const socket of sockets) socket.close();
    await server?.close();
  });

  test('is rate-limited and dropped; viewers get coalesced pushes; health and other clients stay responsive', async () => {
    const stormy = await createBrowserCamera(server, 'Stormy');
    const calm = await joinedCamera(server, 'Calm');
    sockets.push(calm.socket);
    const viewer = await connectViewer(server, 'operator');
    sockets.push(viewer);
    await call(viewer, 'viewer:join', {});
    let pushes = 0;
    viewer.on('camera:state', (view) => {
      if (view.id === stormy.camera.id) pushes++;
    });

    const child = spawn(process.execPath, ['--import', 'tsx', join(REPO_ROOT, 'test/support/stormClient.ts')], {
      env: { ...process.env, STORM_URL: server.url, STORM_TOKEN: stormy.token, STORM_COUNT: '4000' },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString('utf8')));
    const done = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    const healthMs: number[] = [];
    let stormOver = false;
    void done.then(() => (stormOver = true));
    const startedAt = Date.now();
    while (!stormOver && Date.now() - startedAt < 30_000) {
      const t0 = performance.now();
      const res = await fetch(`${server.url}/api/health`);
      await res.arrayBuffer();
      healthMs.push(performance.now() - t0);
      assert.equal(res.status, 200);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    await done;
    const result = JSON.parse(out.trim().split('\n').at(-1) ?? '{}') as StormResult;
    const maxHealth = Math.max(...healthMs);
    console.log(`storm: ${JSON.stringify(result)}; camera:state pushes ${pushes}; /api/health max ${maxHealth.toFixed(1)} ms over ${healthMs.length} probes`);

    assert.ok((result.acks.rate_limited ?? 0) > 0, 'the storm was refused past its limit');
    assert.ok((result.acks.ok ?? 0) <= 200 + Math.ceil((result.ms / 1000) * 50) + 10, `too many accepted: ${result.acks.ok}`);
    assert.equal(result.disconnected, true, 'a client that keeps going past its limit is dropped');
    // At most one push per 250 ms (plus the join's and the leave's), however many changes the storm made.
    assert.ok(pushes <= Math.ceil(result.ms / 250) + 4, `${pushes} camera:state pushes in ${result.ms} ms`);
    assert.ok(maxHealth < 1000, `/api/health took ${maxHealth} ms during the storm`);
    // Everyone else carries on.
    assert.ok((await call(calm.socket, 'clock:now', {})).now > 0);
    assert.equal(calm.socket.connected, true);
    assert.ok((await call(viewer, 'viewer:join', {})).cameras.some((c) => c.id === stormy.camera.id));
  });
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connectViewer, joinedCamera } from './support/auth.ts';
import { startTestServer } from './support/server.ts';

test('close() ends while socket.io clients are still connected, and disconnects them', async () => {
  const server = await startTestServer();
  const viewer = await connectViewer(server, 'operator');
  const { socket: camera } = await joinedCamera(server, 'Door');
  const disconnected = Promise.all(
    [viewer, camera].map((socket) => new Promise<string>((resolve) => socket.once('disconnect', resolve))),
  );
  // A generous bound: the bug this guards against made close() wait forever.
  let timer: NodeJS.Timeout | undefined;
  const hung = new Promise<'hung'>((resolve) => {
    timer = setTimeout(() => resolve('hung'), 15_000);
  });
  const outcome = await Promise.race([server.close().then(() => 'closed' as const), hung]);
  clearTimeout(timer);
  if (outcome === 'hung') {
    // The half-closed server keeps this process alive: report, then end the file so the run goes on.
    setTimeout(() => process.exit(1), 500).unref();
  }
  assert.equal(outcome, 'closed');
  const reasons = await disconnected;
  assert.equal(reasons.length, 2);
  viewer.close();
  camera.close();
});

test('close() ends within its deadline when a media worker is already dead', async () => {
  // A 2 s grace: the server gives itself 1 s to close.
  const server = await startTestServer({ env: { MASKWATCH_STOP_GRACE_S: '2' } });
  const { pool } = server.internals.media;
  const pid = pool.workers[0]!.pid;
  process.kill(pid, 'SIGKILL');
  // Dead, and not yet replaced (or being replaced): either way close() must not wait for it.
  const started = Date.now();
  await server.close();
  const tookMs = Date.now() - started;
  assert.ok(tookMs < 3_000, `close() took ${tookMs} ms`);
  assert.equal(server.internals.media.pool.alive, 0, 'no worker (and no replacement) is left running');
});

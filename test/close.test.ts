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

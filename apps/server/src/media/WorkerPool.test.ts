import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { WorkerPool as WorkerPoolType } from './WorkerPool.ts';
import { ensureWorkerBin } from './workerBin.ts';

// mediasoup reads MEDIASOUP_WORKER_BIN when it loads: set it first, import after.
ensureWorkerBin();
process.env.MASKWATCH_LOG_LEVEL ??= 'silent';
const { WorkerPool } = await import('./WorkerPool.ts');
const { Room } = await import('./Room.ts');

describe('WorkerPool', () => {
  let pool: WorkerPoolType;
  before(async () => {
    pool = await WorkerPool.create({ size: 2, retryMinMs: 50 });
  });
  after(() => {
    pool.close();
    pool.close(); // idempotent
  });

  test('starts one worker per slot and hands them out round robin', () => {
    assert.equal(pool.alive, 2);
    const a = pool.next();
    const b = pool.next();
    assert.notEqual(a.pid, b.pid);
    assert.equal(pool.next().pid, a.pid);
  });

  test('a worker that dies is replaced; its room closes and a new room works', async () => {
    const worker = pool.next();
    const room = await Room.create({
      group: 'g',
      worker,
      announcedIps: ['127.0.0.1'],
      rtcMinPort: 40000,
      rtcMaxPort: 49999,
    });
    const roomClosed = new Promise<void>((resolve) => room.once('close', () => resolve()));
    const died = new Promise<number>((resolve) => pool.once('workerdied', (pid: number) => resolve(pid)));
    const added = new Promise<number>((resolve) => pool.once('workeradded', (w: { pid: number }) => resolve(w.pid)));
    process.kill(worker.pid, 'SIGKILL');
    assert.equal(await died, worker.pid);
    await roomClosed;
    assert.equal(room.closed, true);
    const replacement = await added;
    assert.notEqual(replacement, worker.pid);
    assert.equal(pool.alive, 2);
    const fresh = await Room.create({
      group: 'g',
      worker: pool.workers.find((w: { pid: number }) => w.pid === replacement)!,
      announcedIps: ['127.0.0.1'],
      rtcMinPort: 40000,
      rtcMaxPort: 49999,
    });
    const transport = await fresh.createWebRtcTransport();
    assert.ok(transport.iceCandidates.length >= 2);
    fresh.close();
    fresh.close();
    assert.equal(transport.closed, true);
  });
});

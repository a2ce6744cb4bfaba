import assert from 'node:assert/strict';
import { afterEach, test } from 'node:test';
import { pino } from 'pino';
import { STOP_SIGNALS, stopOnSignals } from './stopOnSignals.ts';

const log = pino({ level: 'silent' });
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

// Each test adds its own listeners; they go afterwards (emitting a signal event calls listeners, sends nothing).
afterEach(() => {
  for (const signal of STOP_SIGNALS) process.removeAllListeners(signal);
});

test('a stop asked for during start-up is kept, and closes the owner once there is one', async () => {
  const exits: number[] = [];
  const stop = stopOnSignals(log, { deadlineMs: 5_000, exit: (code) => exits.push(code) });
  process.emit('SIGHUP', 'SIGHUP');
  assert.equal(stop.stopping, true);
  let closed = 0;
  stop.own({ close: async () => void closed++ });
  await sleep(10);
  assert.equal(closed, 1);
  assert.deepEqual(exits, [0]);
});

test('closing that hangs ends at the deadline, with exit code 1', async () => {
  const exits: number[] = [];
  const stop = stopOnSignals(log, { deadlineMs: 100, exit: (code) => exits.push(code) });
  stop.own({ close: () => new Promise<void>(() => undefined) });
  process.emit('SIGTERM', 'SIGTERM');
  await sleep(50);
  assert.deepEqual(exits, []);
  await sleep(100);
  assert.deepEqual(exits, [1]);
});

test('the same signal delivered twice (pid and group) is one stop; a later one exits at once', async () => {
  const exits: number[] = [];
  const stop = stopOnSignals(log, { deadlineMs: 1_500, exit: (code) => exits.push(code) });
  stop.own({ close: () => new Promise<void>(() => undefined) });
  process.emit('SIGINT', 'SIGINT');
  process.emit('SIGINT', 'SIGINT');
  await sleep(20);
  assert.deepEqual(exits, []);
  await sleep(1000);
  process.emit('SIGTERM', 'SIGTERM');
  assert.deepEqual(exits, [1]);
});

test('a close that fails exits 1', async () => {
  const exits: number[] = [];
  const stop = stopOnSignals(log, { deadlineMs: 5_000, exit: (code) => exits.push(code) });
  stop.own({ close: () => Promise.reject(new Error('broken')) });
  process.emit('SIGTERM', 'SIGTERM');
  await sleep(10);
  assert.deepEqual(exits, [1]);
});

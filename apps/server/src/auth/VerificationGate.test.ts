import assert from 'node:assert/strict';
import { test } from 'node:test';
import { VerificationGate } from './VerificationGate.ts';

test('one check per address at a time: a second from the same address is refused at once, others go', async () => {
  const gate = new VerificationGate({ concurrency: 2, maxQueued: 8, maxWaitMs: 1000 });
  const first = await gate.enter('127.0.0.2');
  assert.ok(first);
  assert.equal(await gate.enter('127.0.0.2'), undefined, 'the flooder gets no second slot');
  const other = await gate.enter('127.0.0.3');
  assert.ok(other, 'another address is checked beside it');
  assert.equal(gate.running, 2);
  first();
  first();
  assert.equal(gate.running, 1, 'a release counts once');
  const again = await gate.enter('127.0.0.2');
  assert.ok(again, 'free again once its check ended');
  again();
  other();
});

test('when every slot is busy, new addresses queue first come first served, and a full queue or a long wait refuses', async () => {
  const gate = new VerificationGate({ concurrency: 1, maxQueued: 2, maxWaitMs: 50 });
  const running = await gate.enter('a');
  assert.ok(running);
  const order: string[] = [];
  const b = gate.enter('b').then((release) => {
    order.push('b');
    return release;
  });
  const c = gate.enter('c').then((release) => {
    order.push('c');
    return release;
  });
  assert.equal(await gate.enter('d'), undefined, 'the queue is full');
  assert.equal(await gate.enter('b'), undefined, 'b is already waiting');
  running();
  const releaseB = await b;
  assert.ok(releaseB);
  assert.deepEqual(order, ['b']);
  // c waits longer than maxWaitMs behind b: refused.
  assert.equal(await c, undefined);
  releaseB();
  assert.equal(gate.running, 0);
  const fresh = await gate.enter('c');
  assert.ok(fresh);
  fresh();
});

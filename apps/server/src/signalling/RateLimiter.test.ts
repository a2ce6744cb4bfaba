import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RateLimiter } from './RateLimiter.ts';

test('a burst, then the steady rate; a client that keeps pushing is a flood', () => {
  let now = 0;
  const limiter = new RateLimiter({ burst: 10, perSecond: 5, floodRefusals: 20, floodWindowMs: 10_000, now: () => now });
  for (let i = 0; i < 10; i++) assert.equal(limiter.take(), true);
  assert.equal(limiter.take(), false);
  now += 1000;
  for (let i = 0; i < 5; i++) assert.equal(limiter.take(), true, `refilled ${i}`);
  assert.equal(limiter.take(), false);
  assert.equal(limiter.flooding, false);
  for (let i = 0; i < 30; i++) limiter.take();
  assert.equal(limiter.flooding, true);
  // Refusals are counted per window: a client that slowed down long ago is not a flood for ever.
  now += 60_000;
  assert.equal(limiter.take(), true);
});

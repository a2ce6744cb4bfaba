import assert from 'node:assert/strict';
import { test } from 'node:test';
import { addressKey, LoginThrottle } from './LoginThrottle.ts';

test('free failures, then doubling waits; per pair, per account across addresses, per address across accounts', () => {
  let now = 1_000_000;
  const throttle = new LoginThrottle({
    pair: { free: 3, windowMs: 60_000 },
    account: { free: 6, windowMs: 60_000 },
    address: { free: 8, windowMs: 60_000 },
    now: () => now,
  });
  for (let i = 0; i < 3; i++) {
    assert.equal(throttle.waitMs('olga', '10.0.0.1'), 0);
    throttle.failed('olga', '10.0.0.1');
  }
  assert.equal(throttle.waitMs('olga', '10.0.0.1'), 0);
  throttle.failed('olga', '10.0.0.1');
  assert.equal(throttle.waitMs('olga', '10.0.0.1'), 1000);
  now += 1000;
  throttle.failed('olga', '10.0.0.1');
  assert.equal(throttle.waitMs('olga', '10.0.0.1'), 2000);
  // Another address may still try the account (until the account rule bites) ...
  assert.equal(throttle.waitMs('olga', '10.0.0.2'), 0);
  throttle.failed('olga', '10.0.0.2');
  assert.equal(throttle.waitMs('olga', '10.0.0.2'), 0, 'six failures in all: still free');
  throttle.failed('olga', '10.0.0.3');
  assert.ok(throttle.waitMs('olga', '10.0.0.3') > 0, 'the account rule holds back every address that failed on it');
  assert.ok(throttle.waitMs('olga', '10.0.0.2') > 0);
  // An address that never got this account wrong is always heard: no one else's failures lock its owner out.
  assert.equal(throttle.waitMs('olga', '10.0.0.4'), 0);
  // ... and the first address may try another account, until the address rule bites.
  assert.equal(throttle.waitMs('ivan', '10.0.0.1'), 0);
  for (let i = 0; i < 4; i++) throttle.failed(`user${i}`, '10.0.0.9');
  assert.equal(throttle.waitMs('anyone', '10.0.0.9'), 0);
  // After the window, it is free again; success resets the account, not the address.
  now += 61_000;
  assert.equal(throttle.waitMs('olga', '10.0.0.1'), 0);
});

test('the wait is capped, and memory is bounded', () => {
  let now = 0;
  const throttle = new LoginThrottle({ pair: { free: 0, windowMs: 3_600_000 }, maxWaitMs: 5000, maxKeys: 3, now: () => now });
  for (let i = 0; i < 20; i++) throttle.failed('a', 'x');
  assert.equal(throttle.waitMs('a', 'x'), 5000);
  for (let i = 0; i < 10; i++) throttle.failed(`u${i}`, `addr${i}`);
  assert.equal(throttle.waitMs('a', 'x'), 0, 'the oldest key was dropped');
  now += 1;
  throttle.succeeded('u9', 'addr9');
  assert.equal(throttle.waitMs('u9', 'addr9'), 0);
});

test('a flood from one address never holds back another address, whichever accounts it guesses', () => {
  const now = 5_000_000;
  const throttle = new LoginThrottle({ now: () => now });
  for (let i = 0; i < 500; i++) {
    throttle.failed(i % 2 ? 'operator' : `guess${i}`, '127.0.0.2');
  }
  assert.ok(throttle.waitMs('operator', '127.0.0.2') > 0);
  assert.ok(throttle.waitMs('anyone', '127.0.0.2') > 0, 'the address rule holds the flooder back on every account');
  assert.equal(throttle.waitMs('operator', '127.0.0.3'), 0);
});

test('addresses are throttled by network where one holder has many', () => {
  assert.equal(addressKey('10.1.2.3'), '10.1.2.3');
  assert.equal(addressKey('::ffff:10.1.2.3'), '10.1.2.3');
  assert.equal(addressKey('2001:db8:1:2:aaaa::1'), '2001:db8:1:2::/64');
  assert.equal(addressKey('2001:db8:1:2:bbbb:cccc:dddd:eeee'), '2001:db8:1:2::/64');
  assert.equal(addressKey('2001:db8::1'), '2001:db8:0:0::/64');
  assert.equal(addressKey('::1'), '0:0:0:0::/64');
  assert.equal(addressKey('fe80::1%eth0'), 'fe80:0:0:0::/64');
  const throttle = new LoginThrottle({ address: { free: 2, windowMs: 60_000 }, now: () => 0 });
  for (let i = 0; i < 3; i++) throttle.failed(`user${i}`, `2001:db8:1:2::${i + 1}`);
  assert.ok(throttle.waitMs('someone', '2001:db8:1:2::99') > 0, 'a fresh address in the same /64 waits');
  assert.equal(throttle.waitMs('someone', '2001:db8:1:3::1'), 0);
});

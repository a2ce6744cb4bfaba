import assert from 'node:assert/strict';
import { test } from 'node:test';
import { hashPassword, randomPassword, verifyPassword } from './password.ts';

test('scrypt hashes: salted, verifiable, not the password, malformed ones refused', async () => {
  const a = await hashPassword('correct horse battery');
  const b = await hashPassword('correct horse battery');
  assert.notEqual(a, b);
  assert.match(a, /^scrypt\$32768\$8\$1\$[\w-]+\$[\w-]+$/);
  assert.ok(!a.includes('correct'));
  assert.equal(await verifyPassword('correct horse battery', a), true);
  assert.equal(await verifyPassword('correct horse batterY', a), false);
  assert.equal(await verifyPassword('', a), false);
  for (const bad of ['', 'plain', 'scrypt$1$1$1$x$y', a.replace('scrypt', 'bcrypt'), 'scrypt$4194304$8$1$c2FsdHNhbHQ$' + 'A'.repeat(43)])
    assert.equal(await verifyPassword('x', bad), false, bad);
  // The same text in another Unicode form is the same password.
  const nfc = await hashPassword('caf\u00e9 au lait!');
  assert.equal(await verifyPassword('cafe\u0301 au lait!', nfc), true);
});

test('random passwords: the asked length, from the alphabet, different each time', () => {
  const seen = new Set<string>();
  for (let i = 0; i < 50; i++) {
    const password = randomPassword();
    assert.match(password, /^[A-HJ-NP-Za-km-z2-9]{20}$/);
    seen.add(password);
  }
  assert.equal(seen.size, 50);
});

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CreateUserSchema, roleAllows, safeRedirectPath, UsernameSchema } from './auth.ts';

test('roles: an admin may do what an operator may; nobody only what is public', () => {
  assert.equal(roleAllows('admin', 'operator'), true);
  assert.equal(roleAllows('operator', 'admin'), false);
  assert.equal(roleAllows(null, 'operator'), false);
  assert.equal(roleAllows(null, 'public'), true);
});

test('usernames: lower-case ASCII only (no look-alikes); passwords bounded', () => {
  for (const ok of ['admin', 'olga.k', 'op-2', 'a_b']) assert.ok(UsernameSchema.safeParse(ok).success, ok);
  for (const bad of ['Admin', 'аdmin', '.dot', 'a b', '', 'x'.repeat(33)]) assert.equal(UsernameSchema.safeParse(bad).success, false, bad);
  assert.equal(CreateUserSchema.safeParse({ username: 'a', password: 'short', role: 'operator' }).success, false);
  assert.equal(CreateUserSchema.safeParse({ username: 'a', password: 'long enough one', role: 'root' }).success, false);
});

test('redirect after sign-in: paths on this site only', () => {
  for (const ok of ['/console', '/admin/users?x=1', '/camera#token=abc']) assert.equal(safeRedirectPath(ok), ok);
  for (const bad of [null, '', 'console', 'https://evil.example/', '//evil.example', '/\\evil.example', '/\t/evil.example', '/\n/evil', ' /console', 'javascript:alert(1)'])
    assert.equal(safeRedirectPath(bad), null, JSON.stringify(bad));
});

import assert from 'node:assert/strict';
import type { IncomingMessage } from 'node:http';
import { test } from 'node:test';
import { hostOf, RequestGuard } from './RequestGuard.ts';

const req = (method: string, headers: Record<string, string>) => ({ method, headers }) as unknown as IncomingMessage;

test('Host: only the names this server answers to', () => {
  assert.equal(hostOf('127.0.0.1:3000'), '127.0.0.1');
  assert.equal(hostOf('[::1]:3000'), '::1');
  assert.equal(hostOf('Maskwatch.LAN.'), 'maskwatch.lan');
  for (const bad of [undefined, '', 'a b', 'user@host', 'host:99999x', '[nothex]:1', 'a/b'])
    assert.equal(hostOf(bad), undefined, String(bad));
  const guard = new RequestGuard({ hosts: ['127.0.0.1', 'localhost', '[::1]', '192.168.1.5'], tls: false });
  assert.equal(guard.hostAllowed(req('GET', { host: '192.168.1.5:3000' })), true);
  assert.equal(guard.hostAllowed(req('GET', { host: '[::1]:3000' })), true);
  assert.equal(guard.hostAllowed(req('GET', { host: 'attacker.example:3000' })), false);
  assert.equal(guard.hostAllowed(req('GET', {})), false);
});

test('Origin: state changes only from this origin, or from clients that are not browsers', () => {
  const guard = new RequestGuard({ hosts: ['127.0.0.1'], tls: false });
  const host = '127.0.0.1:3000';
  assert.equal(guard.originProblem(req('POST', { host, origin: 'http://127.0.0.1:3000' })), null);
  assert.equal(guard.originProblem(req('POST', { host })), null, 'curl, scripts: no Origin, no Sec-Fetch-Site');
  assert.equal(guard.originProblem(req('GET', { host, origin: 'http://evil.example' })), null, 'reads are left to CORS');
  for (const origin of ['http://evil.example', 'null', 'https://127.0.0.1:3000', 'http://127.0.0.1:3001'])
    assert.ok(guard.originProblem(req('POST', { host, origin })), origin);
  assert.ok(guard.originProblem(req('DELETE', { host, 'sec-fetch-site': 'cross-site' })));
  assert.ok(guard.originProblem(req('PATCH', { host, 'sec-fetch-site': 'same-site' })));
  assert.ok(guard.socketProblem(req('GET', { host, origin: 'http://evil.example' })));
  assert.ok(guard.socketProblem(req('GET', { host: 'evil.example' })));
  assert.equal(guard.socketProblem(req('GET', { host, origin: 'http://127.0.0.1:3000' })), null);
});

test('page headers: a fresh nonce each time, no framing, no inline script without it', () => {
  const guard = new RequestGuard({ hosts: ['127.0.0.1'], tls: true });
  const a = guard.pageHeaders();
  const b = guard.pageHeaders();
  assert.notEqual(a.nonce, b.nonce);
  assert.match(a.policy, new RegExp(`script-src 'self' 'nonce-${a.nonce.replace(/[+/]/g, '\\$&')}' 'strict-dynamic'`));
  assert.doesNotMatch(a.policy, /script-src[^;]*unsafe-inline/);
  assert.doesNotMatch(a.policy, /'unsafe-eval'/);
  assert.match(guard.pageHeaders({ allowEval: true }).policy, /script-src[^;]*'unsafe-eval'/);
  assert.match(a.policy, /frame-ancestors 'none'/);
  assert.equal(a.headers['x-frame-options'], 'DENY');
  assert.ok(a.headers['strict-transport-security']);
});

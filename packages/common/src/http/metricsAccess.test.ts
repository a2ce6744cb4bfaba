import assert from 'node:assert/strict';
import type { IncomingMessage } from 'node:http';
import { test } from 'node:test';
import { metricsAccess } from './metricsAccess.ts';

function request(remoteAddress: string, authorization?: string): IncomingMessage {
  return { socket: { remoteAddress }, headers: authorization === undefined ? {} : { authorization } } as unknown as IncomingMessage;
}

const TOKEN = 'a-long-enough-metrics-token';

test('loopback clients may always read metrics', () => {
  for (const address of ['127.0.0.1', '127.8.9.10', '::1', '::ffff:127.0.0.1']) {
    assert.equal(metricsAccess(request(address), undefined), 'allowed', address);
    assert.equal(metricsAccess(request(address), TOKEN), 'allowed', address);
  }
});

test('others only with the configured bearer token', () => {
  assert.equal(metricsAccess(request('192.168.1.20'), undefined), 'loopback_only');
  assert.equal(metricsAccess(request('192.168.1.20', `Bearer ${TOKEN}`), undefined), 'loopback_only');
  assert.equal(metricsAccess(request('192.168.1.20'), TOKEN), 'token_required');
  assert.equal(metricsAccess(request('192.168.1.20', `Bearer ${TOKEN}x`), TOKEN), 'token_required');
  assert.equal(metricsAccess(request('192.168.1.20', `Basic ${TOKEN}`), TOKEN), 'token_required');
  assert.equal(metricsAccess(request('192.168.1.20', `Bearer ${TOKEN}`), TOKEN), 'allowed');
  assert.equal(metricsAccess(request('::ffff:10.0.0.3', `bearer ${TOKEN}`), TOKEN), 'allowed');
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { HandshakeAuthSchema, clientRequests, isClientRequestName } from './signalling.ts';

test('every request and answer has a schema', () => {
  for (const [name, spec] of Object.entries(clientRequests)) {
    assert.match(name, /^[a-z]+:[a-z-]+$/);
    assert.ok(spec.request && spec.response, name);
  }
});

test('unknown event names are recognised as such', () => {
  assert.ok(isClientRequestName('viewer:join'));
  assert.equal(isClientRequestName('toString'), false);
  assert.equal(isClientRequestName('__proto__'), false);
  assert.equal(isClientRequestName('camera:delete-everything'), false);
});

test('malformed requests fail to parse', () => {
  const produce = clientRequests['camera:produce'].request;
  assert.equal(produce.safeParse({ transportId: 't', kind: 'video', rtpParameters: { codecs: [] } }).success, false);
  assert.equal(produce.safeParse({ transportId: 't', kind: 'smell', rtpParameters: { codecs: [{ mimeType: 'video/VP8', payloadType: 96 }] } }).success, false);
  assert.ok(produce.safeParse({ transportId: 't', kind: 'video', rtpParameters: { codecs: [{ mimeType: 'video/VP8', payloadType: 96 }] } }).success);
  assert.equal(clientRequests['camera:faces'].request.safeParse({ count: -1 }).success, false);
  assert.equal(clientRequests['transport:connect'].request.safeParse({ transportId: 'x', dtlsParameters: { fingerprints: [] } }).success, false);
  assert.equal(HandshakeAuthSchema.safeParse({ protocolVersion: '1', role: 'viewer' }).success, false);
});

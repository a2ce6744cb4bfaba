import assert from 'node:assert/strict';
import { test } from 'node:test';
import { describeCodec } from './describeCodec.ts';

test('a video format in the words of a camera data sheet', () => {
  const h264 = (id: string) => describeCodec({ mimeType: 'video/H264', parameters: { 'profile-level-id': id } });
  assert.equal(h264('64001f'), 'H.264 High');
  assert.equal(h264('4d001f'), 'H.264 Main');
  assert.equal(h264('42e01f'), 'H.264 Constrained Baseline');
  assert.equal(h264('42001f'), 'H.264 Baseline');
  assert.equal(h264('zz'), 'H.264');
  assert.equal(describeCodec({ mimeType: 'video/VP8', parameters: {} }), 'VP8');
  assert.equal(describeCodec(undefined), 'an unknown video format');
});

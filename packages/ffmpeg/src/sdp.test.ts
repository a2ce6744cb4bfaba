import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildSdp, type SrtpKey } from './sdp.ts';

const SRTP: SrtpKey = { cryptoSuite: 'AES_CM_128_HMAC_SHA1_80', keyBase64: 'A'.repeat(40) };

test('the SDP names the consumer codec, its fmtp, the feedback, the port and the SRTP key', () => {
  const sdp = buildSdp(
    { mimeType: 'video/H264', payloadType: 102, clockRate: 90000, ssrc: 42, parameters: { 'packetization-mode': 1, 'profile-level-id': '42e01f' } },
    '127.0.0.1',
    50010,
    SRTP,
  );
  const lines = sdp.trim().split('\r\n');
  assert.ok(lines.includes('c=IN IP4 127.0.0.1'));
  assert.ok(lines.includes('m=video 50010 RTP/SAVPF 102'));
  assert.ok(lines.includes(`a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:${'A'.repeat(40)}`));
  assert.ok(lines.includes('a=rtpmap:102 H264/90000'));
  assert.ok(lines.includes('a=fmtp:102 packetization-mode=1;profile-level-id=42e01f'));
  assert.ok(lines.includes('a=rtcp-fb:102 nack pli'));
  const vp8 = buildSdp({ mimeType: 'video/VP8', payloadType: 101, clockRate: 90000, ssrc: 1, parameters: {} }, '::1', 50012, SRTP);
  assert.ok(vp8.includes('c=IN IP6 ::1'));
  assert.ok(!vp8.includes('a=fmtp'), 'no empty fmtp line');
});

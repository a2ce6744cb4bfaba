import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ANALYSIS_SRTP_SUITE, type SrtpParameters } from '@maskwatch/protocol/inference';
import { buildDecoderArgs } from './decoderArgs.ts';
import { buildSdp } from './sdp.ts';

const SRTP: SrtpParameters = { cryptoSuite: ANALYSIS_SRTP_SUITE, keyBase64: 'A'.repeat(40) };

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

test('the decoder never scales up, writes RGB on stdout at once, and drops nothing itself', () => {
  const args = buildDecoderArgs({ maxSide: 640 });
  const filter = args[args.indexOf('-vf') + 1]!;
  assert.ok(!/select|framestep|fps=/.test(filter), 'sampling happens in the node (FrameReader)');
  assert.ok(args.includes('-flush_packets'));
  const order = ['scale=', 'format=rgb24', 'showinfo@frame'].map((part) => filter.indexOf(part));
  assert.deepEqual([...order].sort((a, b) => a - b), order, `filter order: ${filter}`);
  assert.ok(order.every((i) => i >= 0));
  assert.match(filter, /min\(640\\,iw\)/);
  assert.equal(args.at(-1), 'pipe:1');
  assert.ok(args.includes('-use_wallclock_as_timestamps'));
  assert.ok(!args.includes('nobuffer'), 'nobuffer drops the probed key frame');
});

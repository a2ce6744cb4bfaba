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
  const args = buildDecoderArgs({ maxSide: 640, fps: 5 });
  const filter = args[args.indexOf('-vf') + 1]!;
  // A dropping filter makes ffmpeg 5.1 hold each kept frame until the next one: frames not analysed become 2x2.
  assert.ok(!/select|framestep|fps=/.test(filter), 'every frame leaves ffmpeg, the ones not analysed as placeholders');
  assert.ok(args.includes('-flush_packets'));
  const order = ['scale=eval=frame', 'format=rgb24', 'showinfo@frame'].map((part) => filter.indexOf(part));
  assert.deepEqual([...order].sort((a, b) => a - b), order, `filter order: ${filter}`);
  assert.ok(order.every((i) => i >= 0));
  assert.match(filter, /min\(1\\,640\/max\(iw\\,ih\)\)/, 'at most 640 px, never more than the source');
  assert.equal(args.at(-1), 'pipe:1');
  assert.ok(args.includes('-use_wallclock_as_timestamps'));
  assert.equal(args[args.indexOf('-skip_frame') + 1], 'noref', 'frames nothing references are not decoded');
  assert.ok(args.indexOf('-skip_frame') < args.indexOf('-i'), 'a decoder option, before the input');
  assert.ok(!args.includes('nobuffer'), 'nobuffer drops the probed key frame');
});

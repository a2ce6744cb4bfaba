import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildTranscodeArgs, TRANSCODE_PAYLOAD_TYPE } from './transcodeArgs.ts';

test('the viewers\u2019 VP8: real time at the fastest setting on one thread, no look-ahead, never scaled up, key frames on a clock, RTP to the given ports', () => {
  const args = buildTranscodeArgs({ rtpPort: 40010, rtcpPort: 40011, ssrc: 1234, maxWidth: 1280, bitrate: 1_500_000, keyFrameInterval: 1 });
  const after = (flag: string) => args[args.indexOf(flag) + 1];
  assert.equal(after('-i'), 'pipe:0', 'the SDP comes on stdin');
  assert.equal(after('-c:v'), 'libvpx');
  assert.equal(after('-deadline'), 'realtime');
  assert.equal(after('-lag-in-frames'), '0');
  // The cheapest real-time encoding (a tenth of a core for a 960x506 25 fps camera, where 8 on two threads took 28 %).
  assert.equal(after('-cpu-used'), '16');
  assert.equal(after('-threads'), '1');
  assert.equal(after('-b:v'), '1500k');
  assert.equal(after('-payload_type'), String(TRANSCODE_PAYLOAD_TYPE));
  assert.equal(after('-ssrc'), '1234');
  assert.match(after('-vf') ?? '', /min\(1280\\,iw\)/);
  assert.equal(after('-force_key_frames'), 'expr:gte(t,n_forced*1)');
  assert.equal(args.at(-1), 'rtp://127.0.0.1:40010?rtcpport=40011&pkt_size=1200');
});

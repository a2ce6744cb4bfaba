import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { buildFfmpegArgs, parseInputStream, profileLevelIdFor } from './ffmpegArgs.ts';

describe('ffmpeg arguments and output parsing', () => {
  test('parses the input stream line', () => {
    assert.deepEqual(
      parseInputStream('  Stream #0:0: Video: h264 (High), yuv420p(tv, bt709, progressive), 720x404, 25 fps'),
      { codec: 'h264', profile: 'High' },
    );
    assert.deepEqual(parseInputStream('  Stream #0:0: Video: h264 (Constrained Baseline), yuv420p'), {
      codec: 'h264',
      profile: 'Constrained Baseline',
    });
    assert.deepEqual(parseInputStream('  Stream #0:1: Video: hevc (Main), yuv420p'), {
      codec: 'hevc',
      profile: 'Main',
    });
    assert.equal(parseInputStream('  Stream #0:0: Audio: aac'), undefined);
  });

  test('maps profiles to profile-level-id and refuses exotic ones', () => {
    assert.equal(profileLevelIdFor('High'), '64001f');
    assert.equal(profileLevelIdFor('Constrained Baseline'), '42e01f');
    assert.equal(profileLevelIdFor('High 4:4:4 Predictive'), undefined);
  });

  test('copy and transcode arguments', () => {
    const copy = buildFfmpegArgs({ url: 'rtsp://h/s', mode: 'copy', rtpPort: 40000, rtcpPort: 40001, ssrc: 1234 });
    assert.ok(copy.join(' ').includes('-c:v copy -bsf:v h264_mp4toannexb'));
    assert.ok(copy.join(' ').includes('-rtsp_transport tcp'));
    assert.ok(copy.join(' ').includes('-payload_type 102 -ssrc 1234 rtp://127.0.0.1:40000?rtcpport=40001'));
    const transcode = buildFfmpegArgs({
      url: 'rtsp://h/s',
      mode: 'transcode',
      rtpPort: 40000,
      rtcpPort: 40001,
      ssrc: 1,
    });
    assert.ok(transcode.join(' ').includes('-c:v libx264'));
    assert.ok(transcode.join(' ').includes('-bf 0'));
  });
});

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import { buildDecoderFilter } from './decoderArgs.ts';

/** Runs the decoder's filter chain in a real ffmpeg over a synthetic clip; the frame sizes showinfo reports. */
function framesThrough(filter: string, source: string, seconds: number): { width: number; height: number }[] {
  const run = spawnSync(
    'ffmpeg',
    ['-hide_banner', '-loglevel', 'info', '-nostats', '-f', 'lavfi', '-i', `${source}:duration=${seconds}`, '-vf', filter, '-f', 'rawvideo', '-y', '/dev/null'],
    { encoding: 'utf8' },
  );
  assert.equal(run.status, 0, run.stderr.slice(-500));
  return [...run.stderr.matchAll(/showinfo@frame @ \S+\] n:\s*\d+ .*? s:(\d+)x(\d+)/g)].map((m) => ({
    width: Number(m[1]),
    height: Number(m[2]),
  }));
}

test('a real ffmpeg writes the analysed rate in full and every other frame as a 2x2 placeholder', () => {
  // 25 fps for 4 s: 100 frames, 5 fps analysed -> one in five in full (the first included), none scaled up.
  const frames = framesThrough(buildDecoderFilter({ maxSide: 640, fps: 5 }), 'testsrc=size=320x180:rate=25', 4);
  assert.equal(frames.length, 100, 'every decoded frame leaves ffmpeg');
  const full = frames.filter((f) => f.width > 2);
  assert.equal(full.length, 20);
  assert.ok(full.every((f) => f.width === 320 && f.height === 180));
  assert.deepEqual(frames.slice(0, 6).map((f) => f.width), [320, 2, 2, 2, 2, 320], 'the first frame, then every fifth');
  assert.ok(frames.filter((f) => f.width === 2).every((f) => f.height === 2));
});

test('full frames larger than maxSide are scaled down, keeping the aspect ratio on even sides', () => {
  const frames = framesThrough(buildDecoderFilter({ maxSide: 640, fps: 10 }), 'testsrc=size=1920x1080:rate=20', 1);
  const full = frames.filter((f) => f.width > 2);
  assert.equal(full.length, 10);
  assert.ok(full.every((f) => f.width === 640 && f.height === 360), JSON.stringify(full[0]));
});

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { buildDecoderArgs, buildDecoderFilter } from './decoderArgs.ts';

/** Runs the decoder's filter chain in a real ffmpeg over a synthetic clip; the frame sizes showinfo reports. */
function framesThrough(filter: string, source: string, seconds: number): { width: number; height: number }[] {
  return framesOf(filter, ['-f', 'lavfi', '-i', `${source}:duration=${seconds}`]);
}

function framesOf(filter: string, input: string[]): { width: number; height: number }[] {
  const run = spawnSync('ffmpeg', ['-hide_banner', '-loglevel', 'info', '-nostats', ...input, '-vf', filter, '-f', 'rawvideo', '-y', '/dev/null'], {
    encoding: 'utf8',
  });
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

test('a slow input (a temporal layer at 6.25 fps) still gives the analysed 5 fps, not one frame in two', () => {
  const frames = framesThrough(buildDecoderFilter({ maxSide: 640, fps: 5 }), 'testsrc=size=320x180:rate=6.25', 8);
  const full = frames.filter((f) => f.width > 2).length;
  assert.equal(frames.length, 50);
  assert.ok(full >= 38 && full <= 41, `${full} of 50 frames in full over 8 s`);
});

test('full frames larger than maxSide are scaled down, keeping the aspect ratio on even sides', () => {
  const frames = framesThrough(buildDecoderFilter({ maxSide: 640, fps: 10 }), 'testsrc=size=1920x1080:rate=20', 1);
  const full = frames.filter((f) => f.width > 2);
  assert.equal(full.length, 10);
  assert.ok(full.every((f) => f.width === 640 && f.height === 360), JSON.stringify(full[0]));
});

test('a stream that changes resolution midway (a rotated phone, a layer switch): full frames at the new size, placeholders still 2x2', () => {
  const dir = mkdtempSync(join(tmpdir(), 'decoder-resize-'));
  try {
    // Two H.264 clips of different sizes, played as one stream: the decoder reconfigures in the middle.
    for (const [name, size] of [['a', '320x180'], ['b', '180x320']] as const) {
      const made = spawnSync('ffmpeg', ['-v', 'error', '-y', '-f', 'lavfi', '-i', `testsrc=size=${size}:rate=25:duration=2`, '-c:v', 'libx264', '-preset', 'ultrafast', '-f', 'mpegts', join(dir, `${name}.ts`)]);
      assert.equal(made.status, 0);
    }
    writeFileSync(join(dir, 'list.txt'), "file 'a.ts'\nfile 'b.ts'\n");
    const frames = framesOf(buildDecoderFilter({ maxSide: 640, fps: 5 }), ['-f', 'concat', '-safe', '0', '-i', join(dir, 'list.txt')]);
    const full = frames.filter((f) => f.width > 2);
    assert.ok(full.some((f) => f.width === 320 && f.height === 180), 'the first size');
    assert.ok(full.some((f) => f.width === 180 && f.height === 320), 'the second size, after the change');
    assert.ok(full.length >= 18 && full.length <= 22, `5 of every 25 frames in full (${full.length})`);
    assert.ok(frames.filter((f) => f.width <= 2).every((f) => f.width === 2 && f.height === 2));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the decoder never scales up, writes RGB on stdout at once, and drops nothing itself', () => {
  const args = buildDecoderArgs({ maxSide: 640, fps: 5 });
  const filter = args[args.indexOf('-vf') + 1]!;
  // Frames not analysed become 2x2 placeholders, so that the node counts every input frame.
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

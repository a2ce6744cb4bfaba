import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FrameReader, type DecodedFrame } from './FrameReader.ts';

const line = (n: number, pts: number, w: number, h: number) =>
  `[showinfo@frame @ 0x55d1] n:${String(n).padStart(4)} pts:${pts} pts_time:1.79596e+09 pos:       -1 fmt:rgb24 sar:0/1 s:${w}x${h} i:P iskey:0 type:P`;

test('pairs each showinfo@out line with its pixels, whichever pipe is read first, and stamps the wall-clock arrival', () => {
  const reader = new FrameReader();
  const frames: DecodedFrame[] = [];
  reader.on('frame', (frame) => frames.push(frame));
  assert.equal(reader.line('[showinfo@frame @ 0x55d1] config in time_base: 1/90000, frame_rate: 90000/1'), true);
  const pts = Math.round((Date.now() - 200) * 90);
  // Pixels before their line, split across chunks.
  reader.data(Buffer.alloc(4 * 2 * 3 - 5, 1));
  assert.equal(frames.length, 0);
  reader.line(line(0, pts, 4, 2));
  assert.equal(frames.length, 0, 'still 5 bytes short');
  reader.data(Buffer.concat([Buffer.alloc(5, 1), Buffer.alloc(3 * 2 * 3, 2)]));
  assert.equal(frames.length, 1);
  // Line before pixels, another size.
  reader.line(line(1, pts + 9000, 3, 2));
  assert.equal(frames.length, 2);
  assert.deepEqual([frames[0]!.width, frames[0]!.height, frames[0]!.data.length, frames[0]!.data[0]], [4, 2, 24, 1]);
  assert.deepEqual([frames[1]!.width, frames[1]!.data.length, frames[1]!.data[0]], [3, 18, 2]);
  assert.ok(Math.abs(frames[0]!.arrivedAt - pts / 90) < 0.01, 'pts in 1/90000 s is the arrival wall clock');
  assert.ok(Math.abs(frames[1]!.arrivedAt - frames[0]!.arrivedAt - 100) < 1, '9000 ticks later = 100 ms');
  assert.equal(reader.line('[h264 @ 0x1] error while decoding MB 3 4'), false, 'other lines are not ours');
});

test('full frames are emitted; 2x2 placeholders (frames not analysed) are counted as input and skipped', () => {
  const reader = new FrameReader();
  const kept: number[] = [];
  let inputs = 0;
  reader.on('frame', (frame) => kept.push(frame.data[0]!));
  reader.on('input', () => inputs++);
  reader.line('[showinfo@frame @ 0x55d1] config in time_base: 1/90000, frame_rate: 90000/1');
  const start = Date.now() - 5000;
  for (let i = 0; i < 25; i++) {
    const full = i % 5 === 0;
    reader.line(line(i, Math.round((start + i * 40) * 90), full ? 4 : 2, full ? 3 : 2));
    reader.data(Buffer.alloc(full ? 4 * 3 * 3 : 2 * 2 * 3, i));
  }
  assert.equal(inputs, 25);
  assert.deepEqual(kept, [0, 5, 10, 15, 20], 'the full frames only');
});

test('a frame without a wall-clock stamp (read while probing) arrived when it was decoded', () => {
  const reader = new FrameReader();
  const frames: DecodedFrame[] = [];
  reader.on('frame', (frame) => frames.push(frame));
  reader.line(line(0, 0, 4, 4));
  reader.data(Buffer.alloc(4 * 4 * 3));
  // Stamped when its line was read, a moment before its pixels (a loaded machine may tick a millisecond between).
  assert.ok(frames[0]!.decodedAt - frames[0]!.arrivedAt < 100, `${frames[0]!.decodedAt - frames[0]!.arrivedAt} ms`);
  assert.ok(frames[0]!.arrivedAt > Date.now() - 1000, 'about now, not the epoch');
});

test('headers that never get their pixels (or the reverse) are a desync; a burst of headers ahead of them is not', () => {
  let now = 0;
  const reader = new FrameReader({ now: () => now });
  const reasons: string[] = [];
  let inputs = 0;
  reader.on('desync', (reason) => reasons.push(reason));
  reader.on('input', () => inputs++);
  // A busy node: one stderr chunk brings 20 lines (placeholders and a frame) before stdout is read.
  for (let i = 0; i < 20; i++) reader.line(line(i, 0, i === 10 ? 4 : 2, 2));
  reader.data(Buffer.alloc(19 * 2 * 2 * 3 + 4 * 2 * 3));
  assert.equal(reasons.length, 0);
  assert.equal(inputs, 20);
  // Pixels that never come for a header, while newer headers keep coming.
  reader.line(line(20, 0, 640, 360));
  now += 1500;
  reader.line(line(21, 0, 2, 2));
  assert.equal(reasons.length, 0);
  now += 600;
  reader.line(line(22, 0, 2, 2));
  assert.equal(reasons.length, 1);
  assert.match(reasons[0]!, /pixels missing for 2100 ms/);
  // Or too many headers waiting at once.
  const flooded = new FrameReader({ now: () => 0 });
  flooded.on('desync', (reason) => reasons.push(reason));
  for (let i = 0; i < 65; i++) flooded.line(line(i, 0, 640, 360));
  assert.match(reasons[1]!, /65 frame headers without pixels/);
});

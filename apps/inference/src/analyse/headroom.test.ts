import assert from 'node:assert/strict';
import { test } from 'node:test';
import { headroom } from './headroom.ts';

const running = (inputFps: number) => ({ inputFps, status: 'running' });

test('a hardly busy node offers its free slots', () => {
  assert.deepEqual(headroom({ framesPerSecond: 0, busy: 0, cameras: [], fps: 5, freeSlots: 16 }), { headroomFps: 80, wantedFps: 0 });
});

test('capacity is what it analysed over its busy share; headroom is a share of it less what its cameras want', () => {
  // 4 cameras at 5 fps, 20 frames/s analysed in 40 % of the time: 50 frames/s capacity, 85 % offered.
  const { headroomFps, wantedFps } = headroom({ framesPerSecond: 20, busy: 0.4, cameras: Array(4).fill(running(25)), fps: 5, freeSlots: 12 });
  assert.equal(wantedFps, 20);
  assert.equal(headroomFps, 22.5);
});

test('a node that cannot keep up has negative headroom; a camera sending fewer frames wants fewer', () => {
  const over = headroom({ framesPerSecond: 30, busy: 1, cameras: Array(8).fill(running(25)), fps: 5, freeSlots: 8 });
  assert.equal(over.wantedFps, 40);
  assert.ok(over.headroomFps < 0, `${over.headroomFps}`);
  const slow = headroom({ framesPerSecond: 3, busy: 0.1, cameras: [running(3), { inputFps: 0, status: 'starting' }], fps: 5, freeSlots: 2 });
  assert.equal(slow.wantedFps, 3);
  assert.equal(slow.headroomFps, 10, 'capped by its two free slots');
});

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MotionGrid } from './MotionGrid.ts';

/** A grey frame with a dark square at (x, y). */
function frame(width: number, height: number, square?: { x: number; y: number; side: number }) {
  const data = new Uint8Array(width * height * 3).fill(128);
  if (square) {
    for (let y = square.y; y < square.y + square.side; y++)
      for (let x = square.x; x < square.x + square.side; x++) data.fill(20, (y * width + x) * 3, (y * width + x) * 3 + 3);
  }
  return { data, width, height };
}

test('the first frame only sets the background; a still picture has no motion', () => {
  const grid = new MotionGrid({ cells: 64 });
  assert.equal(grid.update(frame(640, 360)), null);
  assert.deepEqual(grid.update(frame(640, 360)), []);
});

test('a square that appears is one box around it; a one-cell flicker is noise', () => {
  const grid = new MotionGrid({ cells: 64, minCells: 2 });
  grid.update(frame(640, 360));
  const boxes = grid.update(frame(640, 360, { x: 200, y: 100, side: 60 }))!;
  assert.equal(boxes.length, 1);
  const [x1, y1, x2, y2] = boxes[0]!;
  assert.ok(x1 <= 200 && y1 <= 100 && x2 >= 260 && y2 >= 160, `box ${boxes[0]}`);
  assert.ok(x2 - x1 < 90 && y2 - y1 < 90, 'tight around the square');
  const flicker = new MotionGrid({ cells: 64, minCells: 2 });
  flicker.update(frame(640, 360));
  assert.deepEqual(flicker.update(frame(640, 360, { x: 300, y: 200, side: 4 })), []);
});

test('a frame of another size starts the background again', () => {
  const grid = new MotionGrid();
  grid.update(frame(640, 360));
  assert.equal(grid.update(frame(320, 180)), null);
  assert.deepEqual(grid.update(frame(320, 180)), []);
});

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { gridLayout, nextLayout } from './gridLayout.ts';

test('automatic layout: the smallest square grid that holds every camera, tiles as large as the page allows', () => {
  assert.deepEqual(gridLayout(1, 'auto', 0), { perPage: 1, columns: 1, rows: 1, pages: 1, page: 0, start: 0, end: 1 });
  // Two cameras side by side, not in a half-empty 2x2.
  assert.deepEqual(gridLayout(2, 'auto', 0), { perPage: 4, columns: 2, rows: 1, pages: 1, page: 0, start: 0, end: 2 });
  assert.deepEqual(gridLayout(4, 'auto', 0), { perPage: 4, columns: 2, rows: 2, pages: 1, page: 0, start: 0, end: 4 });
  assert.deepEqual(gridLayout(5, 'auto', 0), { perPage: 9, columns: 3, rows: 2, pages: 1, page: 0, start: 0, end: 5 });
  assert.deepEqual(gridLayout(16, 'auto', 0), { perPage: 16, columns: 4, rows: 4, pages: 1, page: 0, start: 0, end: 16 });
  assert.deepEqual(gridLayout(0, 'auto', 0), { perPage: 1, columns: 1, rows: 1, pages: 1, page: 0, start: 0, end: 0 });
});

test('more cameras than a page holds: pages of the same grid (tiles keep their size), the page number clamped', () => {
  const second = gridLayout(20, 'auto', 1);
  assert.deepEqual(second, { perPage: 16, columns: 4, rows: 4, pages: 2, page: 1, start: 16, end: 20 });
  assert.equal(gridLayout(20, 'auto', 7).page, 1, 'past the end: the last page');
  assert.equal(gridLayout(20, 'auto', -3).page, 0);
  const nine = gridLayout(10, 9, 1);
  assert.deepEqual(nine, { perPage: 9, columns: 3, rows: 3, pages: 2, page: 1, start: 9, end: 10 });
  const one = gridLayout(3, 1, 2);
  assert.deepEqual(one, { perPage: 1, columns: 1, rows: 1, pages: 3, page: 2, start: 2, end: 3 });
});

test('the g shortcut walks auto, 1, 4, 9, 16 and back', () => {
  const seen = [];
  let choice = nextLayout('auto');
  for (let i = 0; i < 5; i++) {
    seen.push(choice);
    choice = nextLayout(choice);
  }
  assert.deepEqual(seen, [1, 4, 9, 16, 'auto']);
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { BufferPool } from './BufferPool.ts';
import { planTiles, type Tile } from './planTiles.ts';

/** Every w x h square of the picture lies whole inside some tile. */
function coversEveryWindow(tiles: Tile[], width: number, height: number, w: number, h: number): boolean {
  for (let y = 0; y + h <= height; y += 7) {
    for (let x = 0; x + w <= width; x += 7) {
      if (!tiles.some((t) => t.x <= x && t.y <= y && x + w <= t.x + t.width && y + h <= t.y + t.height)) return false;
    }
  }
  return true;
}

describe('planTiles', () => {
  it('is one tile when the picture fits', () => {
    assert.deepEqual(planTiles(500, 300, 640, 96), [{ x: 0, y: 0, width: 500, height: 300 }]);
  });

  it('spreads tiles from edge to edge, inside the picture, overlapping enough for any face up to the overlap', () => {
    for (const [width, height] of [
      [4000, 3000],
      [1920, 1080],
      [641, 2000],
    ] as const) {
      const tiles = planTiles(width, height, 640, 96);
      for (const t of tiles) {
        assert.ok(t.x >= 0 && t.y >= 0 && t.x + t.width <= width && t.y + t.height <= height, JSON.stringify(t));
      }
      assert.equal(Math.max(...tiles.map((t) => t.x + t.width)), width);
      assert.equal(Math.max(...tiles.map((t) => t.y + t.height)), height);
      assert.ok(coversEveryWindow(tiles, width, height, 96, 96), `${width}x${height}`);
    }
    // 4000 px: ceil((4000 - 96) / (640 - 96)) = 8 columns.
    assert.equal(planTiles(4000, 3000, 640, 96).length, 8 * 6);
  });
});

describe('BufferPool', () => {
  it('hands an array to one taker at a time and reuses what is given back', () => {
    const pool = new BufferPool((n) => new Float32Array(n));
    const a = pool.take(10);
    const b = pool.take(10);
    assert.notEqual(a, b);
    pool.give(a);
    assert.equal(pool.take(10), a);
    assert.equal(pool.take(10).length, 10);
  });

  it('keeps a bounded number of arrays and of lengths', () => {
    const pool = new BufferPool((n) => new Uint8Array(n), 2, 3);
    for (let i = 0; i < 5; i++) pool.give(new Uint8Array(8));
    assert.equal(pool.held, 2);
    for (const n of [1, 2, 3, 4]) pool.give(new Uint8Array(n));
    // Lengths 8 and 1 were forgotten when 3 and 4 came.
    assert.equal(pool.held, 3);
  });
});

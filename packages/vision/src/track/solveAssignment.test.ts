import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { associate, bufferedIou } from './associate.ts';
import { solveAssignment } from './solveAssignment.ts';

/** Exhaustive search: most allowed pairs, then least total cost. */
function bruteForce(cost: Float64Array, rows: number, cols: number, maxCost: number): { pairs: number; total: number } {
  let best = { pairs: -1, total: Infinity };
  const used = new Array<boolean>(cols).fill(false);
  const walk = (r: number, pairs: number, total: number): void => {
    if (r === rows) {
      if (pairs > best.pairs || (pairs === best.pairs && total < best.total - 1e-12)) best = { pairs, total };
      return;
    }
    walk(r + 1, pairs, total);
    for (let c = 0; c < cols; c++) {
      const v = cost[r * cols + c]!;
      if (used[c] || !(v <= maxCost)) continue;
      used[c] = true;
      walk(r + 1, pairs + 1, total + v);
      used[c] = false;
    }
  };
  walk(0, 0, 0);
  return best;
}

describe('solveAssignment', () => {
  it('matches exhaustive search on random matrices with forbidden pairs, both orientations', () => {
    let seed = 7;
    const random = (): number => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    for (let trial = 0; trial < 300; trial++) {
      const rows = 1 + Math.floor(random() * 6);
      const cols = 1 + Math.floor(random() * 6);
      const cost = new Float64Array(rows * cols);
      for (let i = 0; i < cost.length; i++) cost[i] = random() < 0.35 ? Infinity : random();
      const rowToCol = solveAssignment(cost, rows, cols, 0.9);
      let pairs = 0;
      let total = 0;
      const seen = new Set<number>();
      rowToCol.forEach((c, r) => {
        if (c < 0) return;
        assert.ok(!seen.has(c), 'a column used twice');
        seen.add(c);
        const v = cost[r * cols + c]!;
        assert.ok(v <= 0.9, `forbidden pair (${r}, ${c}) = ${v} used`);
        pairs++;
        total += v;
      });
      const best = bruteForce(cost, rows, cols, 0.9);
      assert.equal(pairs, best.pairs, `trial ${trial}: pair count`);
      assert.ok(Math.abs(total - best.total) < 1e-9, `trial ${trial}: total ${total} vs ${best.total}`);
    }
  });

  it('handles empty matrices', () => {
    assert.deepEqual([...solveAssignment(new Float64Array(0), 0, 3)], []);
    assert.deepEqual([...solveAssignment(new Float64Array(0), 2, 0)], [-1, -1]);
  });
});

describe('associate', () => {
  it('finds the optimal pairs on random crowded scenes (direct pairs and solved groups together)', () => {
    let seed = 11;
    const random = (): number => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    const box = (): [number, number, number, number] => {
      const x = random() * 200;
      const y = random() * 60;
      const size = 20 + random() * 30;
      return [x, y, x + size, y + size];
    };
    for (let trial = 0; trial < 200; trial++) {
      const tracks = Array.from({ length: 1 + Math.floor(random() * 6) }, box);
      const dets = Array.from({ length: 1 + Math.floor(random() * 6) }, box);
      const pairs = associate(tracks, dets, 0.2);
      const cost = new Float64Array(tracks.length * dets.length);
      tracks.forEach((t, i) =>
        dets.forEach((d, j) => {
          const v = bufferedIou(t, d);
          cost[i * dets.length + j] = v >= 0.2 ? 1 - v : Infinity;
        }),
      );
      const best = bruteForce(cost, tracks.length, dets.length, 1);
      assert.equal(new Set(pairs.map((p) => p[0])).size, pairs.length);
      assert.equal(new Set(pairs.map((p) => p[1])).size, pairs.length);
      assert.equal(pairs.length, best.pairs, `trial ${trial}: pair count`);
      const total = pairs.reduce((sum, [t, d]) => sum + cost[t * dets.length + d]!, 0);
      assert.ok(Math.abs(total - best.total) < 1e-9, `trial ${trial}: total ${total} vs ${best.total}`);
    }
  });

  it('prefers the assignment with the best total overlap over a greedy first pick', () => {
    // Track 0 overlaps both detections, best with detection 0; track 1 only detection 0. Greedy would give
    // detection 0 to track 0 and leave track 1 unmatched; the optimum matches both.
    const pairs = associate(
      [
        [0, 0, 10, 10],
        [4, 0, 14, 10],
      ],
      [
        [2, 0, 12, 10],
        [-3, 0, 7, 10],
      ],
      0.2,
    );
    assert.deepEqual(
      pairs.sort((a, b) => a[0] - b[0]),
      [
        [0, 1],
        [1, 0],
      ],
    );
  });

  it('matches only above minIou; a buffer reaches boxes that do not touch', () => {
    const track: [number, number, number, number] = [0, 0, 10, 10];
    const far: [number, number, number, number] = [12, 0, 22, 10];
    assert.equal(bufferedIou(track, far), 0);
    assert.deepEqual(associate([track], [far], 0.2), []);
    // Widened by half their size: [-5, -5, 15, 15] and [7, -5, 27, 15] overlap 8 of 32 in x.
    assert.ok(Math.abs(bufferedIou(track, far, 0.5) - 8 / 32) < 1e-12);
    assert.deepEqual(associate([track], [far], 0.2, 0.5), [[0, 0]]);
  });
});

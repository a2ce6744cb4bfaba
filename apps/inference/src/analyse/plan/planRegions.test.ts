import assert from 'node:assert/strict';
import { test } from 'node:test';
import { planRegions, REGION_DEFAULTS } from './planRegions.ts';

test('nothing seen lately and nothing moving: nothing to look at', () => {
  assert.deepEqual(planRegions(1920, 1080, { faces: [], motion: [] }), []);
});

test('a region around a recent face: grown by its margin, at least minSide, inside the frame', () => {
  const [region, ...rest] = planRegions(1920, 1080, { faces: [[10, 10, 40, 50]], motion: [] }) as number[][];
  assert.equal(rest.length, 0);
  assert.ok(region);
  assert.deepEqual(region.slice(0, 2), [0, 0], 'clipped at the corner');
  assert.ok(region[2]! >= REGION_DEFAULTS.minSide && region[3]! >= REGION_DEFAULTS.minSide, `${region}`);
  assert.ok(region[2]! >= 40 && region[3]! >= 50, 'contains the face');
});

test('overlapping regions merge into one; distant ones stay apart', () => {
  const regions = planRegions(1920, 1080, {
    faces: [[500, 300, 540, 350], [560, 300, 600, 350], [1500, 800, 1530, 840]],
    motion: [],
  }) as number[][];
  assert.equal(regions.length, 2);
  const near = regions.find((r) => r[0]! < 1000)!;
  assert.ok(near[0]! <= 500 && near[2]! >= 600, 'one region holds both near faces');
});

test('regions covering most of the frame: one full-frame pass instead', () => {
  assert.equal(planRegions(640, 360, { faces: [], motion: [[0, 0, 500, 300]] }), 'full');
  assert.notEqual(planRegions(1920, 1080, { faces: [], motion: [[100, 100, 300, 400]] }), 'full');
});

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Placement, type PlacementNode } from './Placement.ts';

const node = (id: string, cameras: string[], maxCameras = 16): PlacementNode => ({ id, cameras, maxCameras, fps: 5 });
const options = { shortForMs: 30_000, moveCooldownMs: 30_000 };

test('a new camera goes to the node with the most headroom, not the one with the fewest cameras', () => {
  const placement = new Placement(options);
  const gpu = node('gpu', ['a', 'b', 'c', 'd']);
  const cpu = node('cpu', ['e']);
  placement.observe('gpu', { headroomFps: 200, wantedFps: 20, analysedFps: 20 }, 0);
  placement.observe('cpu', { headroomFps: 3, wantedFps: 5, analysedFps: 5 }, 0);
  assert.equal(placement.pick([gpu, cpu])?.id, 'gpu');
});

test('cameras assigned since the last stats count against the headroom; a full node is never picked', () => {
  const placement = new Placement(options);
  const a = node('a', []);
  const b = node('b', []);
  placement.observe('a', { headroomFps: 12, wantedFps: 0, analysedFps: 0 }, 0);
  placement.observe('b', { headroomFps: 9, wantedFps: 0, analysedFps: 0 }, 0);
  const order: string[] = [];
  for (let i = 0; i < 4; i++) {
    const picked = placement.pick([a, b])!;
    (picked.cameras as string[]).push(`cam${i}`);
    placement.assigned(picked);
    order.push(picked.id);
  }
  assert.deepEqual(order, ['a', 'b', 'a', 'b'], '12, 9 -> 7, 9 -> 7, 4 -> 2, 4');
  assert.equal(placement.pick([node('full', ['x'], 1)]), undefined);
  assert.equal(placement.headroomOf(node('new', [], 4)), 20, 'no stats yet: its free slots');
});

test('a node short for shortForMs gives its newest camera to a node that can take it; then it waits moveCooldownMs', () => {
  const placement = new Placement(options);
  const busy = node('busy', ['a', 'b', 'c']);
  const spare = node('spare', []);
  const short = { headroomFps: -4, wantedFps: 15, analysedFps: 11 };
  placement.observe('spare', { headroomFps: 30, wantedFps: 0, analysedFps: 0 }, 0);
  placement.observe('busy', short, 0);
  assert.deepEqual(placement.moves([busy, spare], 29_999), [], 'not yet 30 s');
  placement.observe('busy', short, 20_000);
  assert.deepEqual(placement.moves([busy, spare], 30_000), [{ cameraId: 'c', from: 'busy', to: 'spare' }]);
  placement.observe('busy', short, 31_000);
  assert.deepEqual(placement.moves([busy, spare], 60_999), [], 'short again only since 31 s');
  assert.deepEqual(placement.moves([busy, spare], 61_000), [{ cameraId: 'c', from: 'busy', to: 'spare' }]);
  placement.observe('busy', short, 62_000);
  placement.observe('busy', short, 70_000);
  assert.deepEqual(placement.moves([busy, spare], 91_999), [], 'short since 62 s, after the move at 61 s');
});

test('a node that recovers, or with nowhere to go, keeps its cameras', () => {
  const placement = new Placement(options);
  const busy = node('busy', ['a', 'b']);
  const other = node('other', ['c']);
  placement.observe('busy', { headroomFps: -2, wantedFps: 10, analysedFps: 7 }, 0);
  placement.observe('busy', { headroomFps: 1, wantedFps: 10, analysedFps: 10 }, 10_000);
  placement.observe('other', { headroomFps: 40, wantedFps: 5, analysedFps: 5 }, 0);
  assert.deepEqual(placement.moves([busy, other], 40_000), [], 'it caught up at 10 s');
  placement.observe('busy', { headroomFps: -2, wantedFps: 10, analysedFps: 7 }, 50_000);
  placement.observe('other', { headroomFps: 3, wantedFps: 5, analysedFps: 5 }, 50_000);
  assert.deepEqual(placement.moves([busy, other], 90_000), [], 'the other node cannot take 5 fps more');
});

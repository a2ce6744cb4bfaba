import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CameraPlanner } from './CameraPlanner.ts';

const grey = (width = 640, height = 360) => ({ data: new Uint8Array(width * height * 3).fill(128), width, height });
function withSquare(x: number) {
  const f = grey();
  for (let y = 100; y < 160; y++) for (let i = x; i < x + 60; i++) f.data.fill(10, (y * 640 + i) * 3, (y * 640 + i) * 3 + 3);
  return f;
}

test('full pass first and every fullFrameMs; between them: regions where faces were or things moved, else skipped', () => {
  const planner = new CameraPlanner({ fullFrameMs: 1000 });
  assert.equal(planner.plan(grey(), 0).mode, 'full');
  planner.detected([]);
  assert.equal(planner.plan(grey(), 200).mode, 'skipped', 'nothing moved, no face lately');
  const moved = planner.plan(withSquare(300), 400);
  assert.equal(moved.mode, 'region');
  assert.equal(moved.regions.length, 1);
  planner.detected([[310, 100, 350, 150]]);
  const kept = planner.plan(withSquare(300), 600);
  assert.equal(kept.mode, 'region', 'the face keeps its region though nothing moves now');
  assert.equal(kept.regions[0]!.scale, 1, 'a 50 px face: its own pixels');
  planner.detected([[310, 100, 322, 112]]);
  assert.equal(planner.plan(withSquare(300), 800).regions[0]!.scale, 2, 'a 12 px face: sampled twice as large (the most)');
  assert.equal(planner.plan(grey(), 1000).mode, 'full', 'a full pass is due');
  planner.detected([[100, 100, 124, 124]]);
  assert.ok(Math.abs(planner.plan(grey(), 1200).regions[0]!.scale - 32 / 24) < 1e-9, 'a 24 px face to 32 px');
});

test("no tile pass in a camera's first fullFrameMs (a person who just started it is close); the next full pass has it", () => {
  const planner = new CameraPlanner({ fullFrameMs: 2000 });
  const first = planner.plan(grey(), 10_000);
  assert.deepEqual([first.mode, first.tiles], ['full', false]);
  planner.detected([]);
  assert.equal(planner.plan(grey(), 10_500).tiles, false, 'not a full pass');
  const due = planner.plan(grey(), 12_000);
  assert.deepEqual([due.mode, due.tiles], ['full', true]);
  // Another resolution is a new start.
  assert.deepEqual(planner.plan(grey(320, 180), 12_200).tiles, false);
  const every = new CameraPlanner({ fullFrameMs: 0 });
  assert.deepEqual([every.plan(grey(), 10_000).tiles, every.plan(grey(), 10_100).tiles], [true, true], 'no planning: every pass whole');
});

test('a face not seen for faceMemory frames loses its region; motion gating off looks at every frame', () => {
  const planner = new CameraPlanner({ fullFrameMs: 60_000, faceMemory: 2 });
  planner.plan(grey(), 0);
  planner.detected([[100, 100, 140, 150]]);
  assert.equal(planner.plan(grey(), 200).mode, 'region');
  planner.detected([]);
  assert.equal(planner.plan(grey(), 400).mode, 'region');
  planner.detected([]);
  assert.equal(planner.plan(grey(), 600).mode, 'skipped');
  const always = new CameraPlanner({ fullFrameMs: 60_000, motion: false });
  always.plan(grey(), 0);
  always.detected([]);
  assert.equal(always.plan(grey(), 200).mode, 'full', 'no motion gating and no faces: the whole frame');
});

test('a resolution change forgets faces and motion: the next frame is a full pass', () => {
  const planner = new CameraPlanner({ fullFrameMs: 60_000 });
  planner.plan(grey(), 0);
  planner.detected([[100, 100, 140, 150]]);
  assert.equal(planner.plan(grey(320, 180), 200).mode, 'full');
});

test('a steady, sure face keeps its classification for reclassifyEvery - 1 frames; unsure, grown or new faces are classified', () => {
  const planner = new CameraPlanner({ reclassifyEvery: 3, confidentScore: 0.9, growth: 1.5 });
  const box: [number, number, number, number] = [100, 100, 140, 150];
  const sure = { box, probabilities: [0.02, 0.95, 0.03], label: 'no_mask' as const, score: 0.95 };
  assert.deepEqual(planner.reusable([box]), [undefined], 'nothing classified yet');
  planner.classified([{ ...sure, reused: undefined }]);
  const first = planner.reusable([[101, 101, 141, 151]]);
  assert.equal(first[0]?.label, 'no_mask');
  planner.classified([{ ...sure, reused: first[0] }]);
  assert.ok(planner.reusable([box])[0], 'second reuse');
  planner.classified([{ ...sure, reused: planner.reusable([box])[0] }]);
  assert.equal(planner.reusable([box])[0], undefined, 'every third frame classified again');
  planner.classified([{ ...sure, score: 0.6, reused: undefined }]);
  assert.equal(planner.reusable([box])[0], undefined, 'unsure: classified again');
  planner.classified([{ ...sure, reused: undefined }]);
  assert.equal(planner.reusable([[90, 90, 150, 170]])[0], undefined, 'grown: a better crop');
  assert.equal(planner.reusable([[400, 100, 440, 150]])[0], undefined, 'another face');
});

test('a close-up whose region would cover most of the frame: the whole frame at a small scale, not a full pass', () => {
  const planner = new CameraPlanner({ fullFrameMs: 60_000 });
  planner.plan(grey(), 0);
  planner.detected([[200, 40, 400, 280]]); // a 240 px face in a 640x360 frame
  const plan = planner.plan(grey(), 200);
  assert.equal(plan.mode, 'region');
  assert.deepEqual(plan.regions, [{ box: [0, 0, 640, 360], scale: 0.5 }], 'half its size at most: the face at 120 px');
});

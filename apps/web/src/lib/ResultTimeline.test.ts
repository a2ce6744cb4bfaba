import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Face, FrameResult } from '@maskwatch/protocol/faces';
import { ResultTimeline } from './ResultTimeline.ts';

function result(ts: number, faces: Face[]): FrameResult {
  return { cameraId: 'c', ts, width: 640, height: 360, faces, timings: {} };
}
const face = (trackId: number, x: number): Face => ({ box: [x, 10, x + 100, 110], label: 'no_mask', score: 0.9, trackId });

test('a frame between two analysed frames gets the earlier faces, tracked boxes moved part of the way', () => {
  const timeline = new ResultTimeline();
  timeline.add(result(1000, [face(1, 0), face(2, 300)]), 1250);
  timeline.add(result(1200, [face(1, 100)]), 1450);
  const middle = timeline.at(1150, 500);
  assert.ok(middle);
  assert.deepEqual(middle.faces[0]?.box, [75, 10, 175, 110], 'track 1 is 3/4 of the way to its next box');
  assert.deepEqual(middle.faces[1]?.box, [300, 10, 400, 110], 'track 2 (gone next frame) stays put');
  assert.deepEqual(timeline.at(1000, 500)?.faces.map((f) => f.box[0]), [0, 300], 'the analysed frame itself');
});

test('nothing before the first result, nothing once the newest is older than the hold time', () => {
  const timeline = new ResultTimeline();
  timeline.add(result(1000, [face(1, 0)]), 1200);
  assert.equal(timeline.at(900, 500), undefined);
  assert.ok(timeline.at(1400, 500));
  assert.equal(timeline.at(1600, 500), undefined);
});

test('results arriving out of order are placed by capture time; old ones are forgotten', () => {
  const timeline = new ResultTimeline();
  timeline.add(result(1200, [face(1, 100)]), 1400);
  timeline.add(result(1000, [face(1, 0)]), 1450);
  assert.equal(timeline.at(1100, 500)?.faces[0]?.box[0], 50);
  timeline.add(result(10_000, []), 10_200);
  assert.equal(timeline.at(1100, 500), undefined, 'results 4 s behind the newest are gone');
  assert.equal(timeline.latest()?.ts, 10_000);
});

test('the delay percentile says how late results arrive', () => {
  const timeline = new ResultTimeline();
  for (let i = 0; i < 4; i++) timeline.add(result(i * 200, []), i * 200 + 100);
  assert.equal(timeline.delayPercentile(), undefined, 'not enough samples yet');
  for (let i = 4; i < 20; i++) timeline.add(result(i * 200, []), i * 200 + (i === 19 ? 900 : 250));
  assert.equal(timeline.delayPercentile(0.5), 250);
  assert.ok((timeline.delayPercentile(0.99) ?? 0) >= 250);
});

test('boxes are held 700 ms at 5 fps, one and a half result gaps on a slowly analysed camera, 3 s at most', () => {
  const at5fps = new ResultTimeline();
  for (let ts = 1000; ts <= 2000; ts += 200) at5fps.add(result(ts, [face(1, 0)]), ts + 150);
  assert.equal(at5fps.holdMs(), 700);
  assert.equal(new ResultTimeline().holdMs(), 700, 'no results yet');
  // A loaded node: a result every 1.6 s. The person keeps their box until the next result comes.
  const slow = new ResultTimeline();
  for (const ts of [1000, 2600, 4200]) slow.add(result(ts, [face(1, 0)]), ts + 900);
  assert.equal(slow.holdMs(), 2400);
  assert.equal(slow.at(5500, slow.holdMs())?.faces.length, 1, '1.3 s after the newest result');
  assert.equal(slow.at(5500, 700), undefined, 'what the fixed 700 ms hold showed: nothing');
  const stalled = new ResultTimeline();
  for (const ts of [1000, 3500]) stalled.add(result(ts, [face(1, 0)]), ts + 900);
  assert.equal(stalled.holdMs(), 3000);
});

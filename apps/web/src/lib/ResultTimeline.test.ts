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

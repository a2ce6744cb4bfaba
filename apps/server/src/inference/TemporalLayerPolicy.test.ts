import assert from 'node:assert/strict';
import { test } from 'node:test';
import { TemporalLayerPolicy, temporalLayersOf } from './TemporalLayerPolicy.ts';

test('scalability modes give their temporal layers', () => {
  assert.equal(temporalLayersOf('L1T3'), 3);
  assert.equal(temporalLayersOf('L3T2_KEY'), 2);
  assert.equal(temporalLayersOf(undefined), 1);
  assert.equal(temporalLayersOf('S2T1'), 1);
});

test('starts on the lowest layer that covers the analysed rate with its margin, never on the top layer', () => {
  // L1T3 at 30 fps: 7.5, 15, 30 fps.
  assert.equal(new TemporalLayerPolicy({ layers: 3, wantFps: 5, margin: 1.2, assumedFps: 30 }).current, 0);
  assert.equal(new TemporalLayerPolicy({ layers: 3, wantFps: 5, margin: 2, assumedFps: 30 }).current, 1);
  assert.equal(new TemporalLayerPolicy({ layers: 3, wantFps: 15, margin: 1.2, assumedFps: 30 }).current, 1, 'the top (30 fps) is skipped by the decoder');
  assert.equal(new TemporalLayerPolicy({ layers: 1, wantFps: 5, margin: 1.2 }).current, 0);
  assert.equal(new TemporalLayerPolicy({ layers: 3, wantFps: 5, margin: 1.2 }).current, 1, 'assumed 15 fps until measured: 3.75 fps would be short');
});

test('raised when the node measures less for `patience` periods, then one period of settling', () => {
  const policy = new TemporalLayerPolicy({ layers: 3, wantFps: 5, margin: 1.2, patience: 2, assumedFps: 30 });
  // A 15 fps phone: the quarter layer gives 3.75 fps.
  assert.equal(policy.observe(3.75), undefined);
  assert.equal(policy.observe(3.75), 1);
  assert.equal(policy.observe(3.75), undefined, 'the period after a change is not judged');
  assert.equal(policy.observe(7.5), undefined);
  assert.equal(policy.observe(7.5), undefined, 'enough now; nothing above layer 1 anyway');
  assert.equal(policy.current, 1);
});

test('lowered when half of what it measures would still do; a lone short period changes nothing', () => {
  const policy = new TemporalLayerPolicy({ layers: 3, wantFps: 5, margin: 1.2, patience: 2, assumedFps: 30 });
  policy.observe(2);
  assert.equal(policy.observe(2), 1);
  policy.observe(0); // settling
  assert.equal(policy.observe(15), undefined);
  assert.equal(policy.observe(3), undefined, 'a short period resets the count');
  assert.equal(policy.observe(15), undefined);
  assert.equal(policy.observe(15), 0, 'a 30 fps camera after all');
});

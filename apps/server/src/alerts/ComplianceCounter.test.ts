import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ComplianceCounter } from './ComplianceCounter.ts';

test('one count per person and minute, by the label last decided in that minute; undecided people are not counted', () => {
  const counter = new ComplianceCounter('cam_a');
  const t0 = 60_000 * 1000;
  for (let i = 0; i < 50; i++) {
    counter.observe(t0 + i * 200, [
      { trackId: 1, trackLabel: 'mask' },
      { trackId: 2, trackLabel: i < 25 ? 'no_mask' : 'mask' },
      { trackId: 3, trackLabel: null },
    ]);
  }
  counter.observe(t0 + 61_000, [{ trackId: 1, trackLabel: 'incorrect' }]);
  assert.deepEqual(counter.take(t0 + 30_000), []);
  assert.deepEqual(counter.take(t0 + 61_000), [{ cameraId: 'cam_a', minute: 1000, mask: 2, noMask: 0, incorrect: 0 }]);
  assert.deepEqual(counter.take(t0 + 61_000), []);
  assert.deepEqual(counter.take(t0 + 61_000, true), [
    { cameraId: 'cam_a', minute: 1001, mask: 0, noMask: 0, incorrect: 1 },
  ]);
});

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RateWindow } from './RateWindow.ts';

test('rate and weight over the last window; old events fall out', () => {
  const window = new RateWindow(5000, 0);
  // 10 events per second for 10 s, each weighing 20 (ms of work).
  for (let t = 100; t <= 10_000; t += 100) window.add(20, t);
  assert.equal(window.perSecond(10_000), 10);
  assert.equal(window.weightPerMs(10_000), 0.2);
  // Nothing for 5 s: the rate is zero.
  assert.equal(window.perSecond(15_001), 0);
});

test('a fresh window measures over at least a second, not over its first milliseconds', () => {
  const window = new RateWindow(5000, 0);
  window.add(1, 10);
  window.add(1, 20);
  assert.equal(window.perSecond(30), 2);
  for (let t = 1000; t <= 3000; t += 100) window.add(1, t);
  assert.equal(window.perSecond(3000), 23 / 3);
});

test('memory is bounded by the window, not by the run', () => {
  const window = new RateWindow(1000, 0);
  for (let t = 0; t < 1_000_000; t++) window.add(1, t);
  assert.equal(window.perSecond(1_000_000), 999);
  // What it holds stays near the events in the window.
  assert.ok(window.stored <= 2 * 1000 + 256, `holds ${window.stored} events`);
});

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { RingBuffer } from './RingBuffer.ts';

test('keeps the newest `capacity` items, oldest first', () => {
  const ring = new RingBuffer<number>(3);
  assert.deepEqual(ring.toArray(), []);
  assert.equal(ring.last(), undefined);
  for (let i = 1; i <= 5; i++) ring.push(i);
  assert.equal(ring.length, 3);
  assert.deepEqual(ring.toArray(), [3, 4, 5]);
  assert.equal(ring.last(), 5);
  assert.deepEqual(ring.takeLastWhile((n) => n > 3), [4, 5]);
  ring.clear();
  assert.equal(ring.length, 0);
  assert.throws(() => new RingBuffer(0), RangeError);
});

test('memory stays flat over a long run: a day of samples takes no more heap than the first hour', () => {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  // A sample the size of a real one with a dozen cameras (~3 KB of objects).
  const sample = (i: number) => ({
    at: i,
    cameras: Array.from({ length: 12 }, (_, c) => ({ cameraId: `camera-${c}`, fps: i % 30, latency: [i, i + 1, i + 2] })),
    processes: Array.from({ length: 4 }, (_, p) => ({ id: `p${p}`, cpu: Math.random(), rss: i * 1024 })),
  });
  const ring = new RingBuffer<ReturnType<typeof sample>>(720);
  let i = 0;
  for (; i < 720; i++) ring.push(sample(i));
  gc();
  const full = process.memoryUsage().heapUsed;
  // 24 hours at 5 s.
  for (; i < 720 * 24; i++) ring.push(sample(i));
  gc();
  const later = process.memoryUsage().heapUsed;
  assert.equal(ring.length, 720);
  assert.equal(ring.toArray()[0]?.at, 720 * 23);
  // One hour of these samples is ~2-3 MB; growth well under one hour's worth means nothing accumulates.
  assert.ok(later - full < 1024 * 1024, `heap grew by ${((later - full) / 1024).toFixed(0)} KiB`);
});

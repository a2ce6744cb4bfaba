import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CpuMeter } from './CpuMeter.ts';
import { HostSampler } from './HostSampler.ts';
import { readRss } from './readRss.ts';

test('host CPU is measured between readings; memory is used <= total', () => {
  const host = new HostSampler();
  const until = performance.now() + 300;
  while (performance.now() < until) Math.sqrt(Math.random());
  const reading = host.read();
  assert.ok(reading.cpu > 0 && reading.cpu <= 1, `cpu ${reading.cpu}`);
  assert.ok(reading.cores >= 1);
  assert.ok(reading.memoryUsedBytes > 0 && reading.memoryUsedBytes <= reading.memoryTotalBytes);
});

test('a CPU meter gives cores used between two readings, and starts over when the counter goes back', () => {
  const meter = new CpuMeter();
  assert.equal(meter.cores(1_000_000, 0), 0);
  // 0.5 s of CPU in 1 s: half a core.
  assert.equal(meter.cores(1_500_000, 1000), 0.5);
  assert.equal(meter.cores(100, 2000), 0, 'a restarted process');
  assert.equal(meter.cores(2_000_100, 3000), 2);
});

test('this process has a resident size; a missing process has none', async () => {
  const rss = await readRss(process.pid);
  if (process.platform === 'linux') assert.ok(rss !== null && rss > 10 * 1024 * 1024, `rss ${rss}`);
  assert.equal(await readRss(2 ** 30), null);
});

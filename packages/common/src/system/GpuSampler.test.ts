import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { test } from 'node:test';
import { GpuSampler } from './GpuSampler.ts';

const hasNvidiaSmi = (() => {
  try {
    execFileSync('nvidia-smi', ['-L'], { stdio: 'ignore', timeout: 10_000 });
    return true;
  } catch {
    return false;
  }
})();

test('without nvidia-smi: not present, no reading, no polling left behind', async () => {
  const sampler = new GpuSampler({ command: 'nvidia-smi-that-is-not-installed', intervalMs: 10 });
  await sampler.start();
  assert.equal(sampler.present, false);
  assert.equal(sampler.latest(), null);
  sampler.close();
  sampler.close();
});

test('with nvidia-smi: reads every GPU with its memory and utilisation', { skip: hasNvidiaSmi ? false : 'no nvidia-smi on this machine' }, async () => {
  const sampler = new GpuSampler({ intervalMs: 60_000 });
  try {
    await sampler.start();
    const reading = sampler.latest();
    assert.ok(reading, 'no reading');
    assert.ok(reading.gpus.length >= 1);
    for (const gpu of reading.gpus) {
      assert.ok(gpu.memoryTotalBytes > 0 && gpu.memoryUsedBytes <= gpu.memoryTotalBytes, JSON.stringify(gpu));
      assert.ok(gpu.utilisation >= 0 && gpu.utilisation <= 1);
      assert.ok(gpu.name.length > 0);
    }
  } finally {
    sampler.close();
  }
});

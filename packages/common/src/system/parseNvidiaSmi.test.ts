import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseGpuCsv, parseProcessCsv } from './parseNvidiaSmi.ts';

test('reads GPUs, with unsupported fields as null and commas inside names', () => {
  const text = [
    '0, NVIDIA H200, 37, 1024, 143771, 41, 118.52',
    '1, Tesla T4, [N/A], 0, 15360, [N/A], [Not Supported]',
    '2, NVIDIA RTX A4000, Laptop, 100, 512, 8192, 80, 60.00',
    'garbage',
    '',
  ].join('\n');
  const gpus = parseGpuCsv(text);
  assert.equal(gpus.length, 3);
  assert.deepEqual(gpus[0], {
    index: 0,
    name: 'NVIDIA H200',
    utilisation: 0.37,
    memoryUsedBytes: 1024 * 1024 * 1024,
    memoryTotalBytes: 143771 * 1024 * 1024,
    temperatureCelsius: 41,
    powerWatts: 118.52,
  });
  assert.equal(gpus[1]?.utilisation, 0);
  assert.equal(gpus[1]?.temperatureCelsius, null);
  assert.equal(gpus[1]?.powerWatts, null);
  assert.equal(gpus[2]?.name, 'NVIDIA RTX A4000, Laptop');
  assert.equal(gpus[2]?.utilisation, 1);
});

test('sums GPU memory per process over GPUs', () => {
  const byPid = parseProcessCsv('1234, 500\n1234, 100\n99, 20\nNo running processes found\n');
  assert.deepEqual([...byPid], [
    [1234, 600 * 1024 * 1024],
    [99, 20 * 1024 * 1024],
  ]);
});

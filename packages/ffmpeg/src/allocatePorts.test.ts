import assert from 'node:assert/strict';
import { createSocket } from 'node:dgram';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { allocatePorts, ephemeralOverlap } from './allocatePorts.ts';

test('allocatePorts gives an even RTP port with a free RTCP port, skipping taken and bound ones', async () => {
  const range = { min: 61990, max: 61999 };
  const held = createSocket('udp4');
  await new Promise<void>((resolve) => held.bind(61990, '127.0.0.1', resolve));
  try {
    for (let i = 0; i < 20; i++) {
      const port = await allocatePorts('127.0.0.1', range, new Set([61992]));
      assert.equal(port % 2, 0);
      assert.ok(port !== 61990 && port !== 61992 && port >= 61994 && port + 1 <= 61999, `port ${port}`);
    }
    await assert.rejects(allocatePorts('127.0.0.1', range, new Set([61992, 61994, 61996])), /no free RTP port pair/);
  } finally {
    held.close();
  }
});

test('allocations running at once never share a pair, and each is reserved in `taken` until released', async () => {
  const range = { min: 61980, max: 61988 }; // 4 pairs: 61980 to 61986
  for (let round = 0; round < 20; round++) {
    const taken = new Set<number>();
    const ports = await Promise.all(Array.from({ length: 3 }, () => allocatePorts('127.0.0.1', range, taken)));
    assert.equal(new Set(ports).size, 3, `round ${round}: ${ports.join(', ')}`);
    assert.deepEqual([...taken].sort(), [...ports].sort());
  }
  const taken = new Set<number>();
  await Promise.all(Array.from({ length: 4 }, () => allocatePorts('127.0.0.1', range, taken)));
  await assert.rejects(allocatePorts('127.0.0.1', range, taken), /no free RTP port pair/);
  assert.equal(taken.size, 4, 'a failed allocation reserves nothing');
});

test('ephemeralOverlap says which part of a range outgoing sockets may take', () => {
  const file = join(mkdtempSync(join(tmpdir(), 'ports-')), 'ip_local_port_range');
  writeFileSync(file, '32768\t60999\n');
  assert.deepEqual(ephemeralOverlap({ min: 50000, max: 50999 }, file), { min: 50000, max: 50999 });
  assert.deepEqual(ephemeralOverlap({ min: 60000, max: 61999 }, file), { min: 60000, max: 60999 });
  assert.equal(ephemeralOverlap({ min: 61000, max: 61999 }, file), undefined);
  assert.equal(ephemeralOverlap({ min: 61000, max: 61999 }, join(file, 'missing')), undefined);
});

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildDecoderArgs } from './decoderArgs.ts';

test('the decoder never scales up, writes RGB on stdout at once, and drops nothing itself', () => {
  const args = buildDecoderArgs({ maxSide: 640 });
  const filter = args[args.indexOf('-vf') + 1]!;
  assert.ok(!/select|framestep|fps=/.test(filter), 'sampling happens in the node (FrameReader)');
  assert.ok(args.includes('-flush_packets'));
  const order = ['scale=', 'format=rgb24', 'showinfo@frame'].map((part) => filter.indexOf(part));
  assert.deepEqual([...order].sort((a, b) => a - b), order, `filter order: ${filter}`);
  assert.ok(order.every((i) => i >= 0));
  assert.match(filter, /min\(640\\,iw\)/);
  assert.equal(args.at(-1), 'pipe:1');
  assert.ok(args.includes('-use_wallclock_as_timestamps'));
  assert.ok(!args.includes('nobuffer'), 'nobuffer drops the probed key frame');
});

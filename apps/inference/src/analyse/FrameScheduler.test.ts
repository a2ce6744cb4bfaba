import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { DecodedFrame } from '../decode/FrameReader.ts';
import { AnalysisWorker } from './AnalysisWorker.ts';
import { FrameScheduler, type AnalysedFrame } from './FrameScheduler.ts';

let worker: AnalysisWorker;
before(async () => {
  // The real worker thread with the manifest's default models.
  worker = await AnalysisWorker.create({ detectorOptions: { maxInputSide: 320 } });
});
after(async () => {
  await worker.close();
});

const frame = (value: number): DecodedFrame => ({
  data: new Uint8Array(320 * 180 * 3).fill(value),
  width: 320,
  height: 180,
  arrivedAt: Date.now(),
  decodedAt: Date.now(),
});

test('the newest frame of a camera wins while the worker is busy; waiting frames of all cameras go in one batch', async () => {
  const scheduler = new FrameScheduler(worker);
  const analysed: AnalysedFrame[] = [];
  const dropped: string[] = [];
  scheduler.on('analysed', (a) => analysed.push(a));
  scheduler.on('dropped', (cameraId, reason) => dropped.push(`${cameraId}:${reason}`));
  scheduler.offer('a', frame(1)); // starts a batch at once
  scheduler.offer('a', frame(2)); // waits...
  scheduler.offer('a', frame(3)); // ...and is replaced by this one
  scheduler.offer('b', frame(4));
  const deadline = Date.now() + 30_000;
  while (analysed.length < 3 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  assert.deepEqual(dropped, ['a:stale']);
  assert.deepEqual(
    analysed.map((a) => `${a.cameraId}:${a.frame.data[0]}`),
    ['a:1', 'a:3', 'b:4'],
    'the pixels come back with their result',
  );
  assert.ok(analysed.every((a) => a.analysis.faces.length === 0), 'a flat grey frame has no face');
  assert.ok(analysed[1]!.queueMs > 0, 'the second batch waited for the first');
  scheduler.forget('b');
  scheduler.close();
});

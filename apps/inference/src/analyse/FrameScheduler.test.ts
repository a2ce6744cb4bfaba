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

test('fair under overload: more cameras than a batch holds, every camera gets its share (served longest ago first)', async () => {
  const scheduler = new FrameScheduler(worker, { maxBatch: 4 });
  const cameras = Array.from({ length: 8 }, (_, i) => `cam${i}`);
  const counts = new Map(cameras.map((c) => [c, 0]));
  let total = 0;
  // Every camera sends a new frame whenever a result comes back, always in the same order: the phase lock that
  // starved the cameras at the back when the batch was taken in arrival order.
  scheduler.on('analysed', (a) => {
    counts.set(a.cameraId, counts.get(a.cameraId)! + 1);
    if (++total < 25) for (const c of cameras) scheduler.offer(c, frame(total));
  });
  for (const c of cameras) scheduler.offer(c, frame(0));
  const deadline = Date.now() + 30_000;
  while (total < 25 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  const shares = cameras.map((c) => counts.get(c)!);
  const mean = shares.reduce((a, b) => a + b, 0) / shares.length;
  assert.ok(Math.min(...shares) >= 0.8 * mean, `frames per camera ${shares.join(', ')}: the worst under 80 % of the mean`);
  for (const c of cameras) scheduler.forget(c);
  scheduler.close();
});

test("a camera's first frames go first, in batches of their own; after its start it waits its turn again", async () => {
  const scheduler = new FrameScheduler(worker, { startFrames: 3 });
  const batches: string[] = [];
  let current: string[] = [];
  // A batch's frames are emitted one after the other in one go: grouped here by the microtask after them.
  scheduler.on('analysed', (a) => {
    current.push(a.cameraId);
    queueMicrotask(() => {
      if (current.length > 0) batches.push(current.join('+'));
      current = [];
    });
  });
  const settle = async (count: number) => {
    const deadline = Date.now() + 30_000;
    while (batches.length < count && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    assert.equal(batches.length, count, `batches so far: ${batches.join(' | ')}`);
  };
  let value = 0;
  // One round: 'old' starts a batch at once; while it runs, 'old' and 'new' wait (in that order).
  const round = async () => {
    const before = batches.length;
    scheduler.offer('old', frame(++value));
    scheduler.offer('old', frame(++value));
    scheduler.offer('new', frame(++value));
    await settle(before + 3);
  };
  for (let i = 0; i < 3; i++) {
    scheduler.offer('old', frame(++value)); // 'old' past its start: three frames analysed
    await settle(i + 1);
  }
  await round();
  await round();
  await round();
  // The fourth round: 'new' is past its start too; the waiting two go together.
  const before = batches.length;
  scheduler.offer('old', frame(++value));
  scheduler.offer('old', frame(++value));
  scheduler.offer('new', frame(++value));
  await settle(before + 2);
  assert.deepEqual(batches.slice(3), ['old', 'new', 'old', 'old', 'new', 'old', 'old', 'new', 'old', 'old', 'old+new']);
  // Released and back (an analysis restart), it is a starting camera again.
  scheduler.forget('new');
  await round();
  assert.deepEqual(batches.slice(-3), ['old', 'new', 'old']);
  scheduler.close();
});

test("closing the worker in the middle of a batch lets the batch end first (terminating onnxruntime's run aborted the process)", async () => {
  const big = (value: number) => ({ cameraId: `c${value}`, at: Date.now(), width: 1920, height: 1080, data: new Uint8Array(1920 * 1080 * 3).fill(value) });
  // A batch of eight 1080p frames runs for about a second; the close comes at a few points inside it.
  for (const delayMs of [50, 100, 200, 350]) {
    const own = await AnalysisWorker.create({ detectorOptions: { maxInputSide: 960 } });
    const outcome = own.analyse([1, 2, 3, 4, 5, 6, 7, 8].map(big)).then(
      () => 'analysed',
      (error: Error) => error.message,
    );
    await new Promise((r) => setTimeout(r, delayMs));
    await own.close();
    // Rejected as closed, or done just before the close came (a fast machine): never a crash.
    assert.match(await outcome, /^(analysis worker closed|analysed)$/, `closed ${delayMs} ms in`);
  }
  // Still alive: the shared worker answers.
  const { results } = await worker.analyse([{ cameraId: 'after', at: Date.now(), width: 320, height: 180, data: frame(5).data }]);
  assert.equal(results.length, 1);
});

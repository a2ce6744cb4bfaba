import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';

import { createLogger } from '../logger.ts';
import { VisionError } from '../VisionError.ts';
import type { ImageOutcome, PipelineModels } from './analyzeForLine.ts';
import { bundled } from './bundle.mjs';
import type { DetectWorkerInit, FromDetectWorker, ToDetectWorker } from './detectWorkerMessages.ts';

/** The worker through tsx: slower to start than the bundle, used when the bundle cannot be made. */
const TSX_ENTRY = new URL('./detectWorker.mjs', import.meta.url);
const log = createLogger('DetectPool');
const CLOSE_TIMEOUT_MS = 10_000;

type Slot = {
  worker: Worker;
  state: 'starting' | 'ready' | 'gone';
  pending: Map<number, (outcome: ImageOutcome) => void>;
};

/**
 * The detect command's worker threads, each with its own FacePipeline. They load their models in the background
 * and take images once ready (the main thread may analyse meanwhile); `analyze` sends an image file to the least
 * busy ready worker. The caller bounds how many are in flight and keeps the output order (mapOrdered).
 */
export class DetectPool {
  readonly #slots: Slot[];
  /** Settles once every worker is ready or gone: with the first start-up failure's message, if none is ready. */
  readonly settled: Promise<void>;
  #nextId = 1;
  #closed = false;
  #analyzed = 0;
  /** The models, as the first worker to be ready loaded them. */
  info: PipelineModels | undefined;

  private constructor(entry: URL, workers: number, init: DetectWorkerInit) {
    this.#slots = Array.from({ length: workers }, () => ({
      worker: new Worker(entry, { workerData: init }),
      state: 'starting' as Slot['state'],
      pending: new Map<number, (outcome: ImageOutcome) => void>(),
    }));
    const starts = this.#slots.map((slot) => this.#watch(slot));
    this.settled = Promise.all(starts).then((failures) => {
      const failure = failures.find((f) => f !== undefined);
      if (this.#slots.every((slot) => slot.state !== 'ready') && failure !== undefined) {
        // The worker's own message (a VisionError's, e.g. an unknown model): the command prints it and exits 2.
        throw new VisionError('MODEL_INCOMPATIBLE', failure);
      }
    });
    // Nobody may be waiting on `settled` (the main thread analyses too): a failure is then only logged.
    this.settled.catch(() => {});
  }

  /** Starts `workers` threads (without waiting for their models). */
  static async start(workers: number, init: DetectWorkerInit): Promise<DetectPool> {
    let entry = TSX_ENTRY;
    try {
      entry = await bundled(fileURLToPath(new URL('./detectWorker.ts', import.meta.url)));
    } catch (error) {
      log.warn({ err: (error as Error).message }, 'cannot bundle the detect worker: workers start through tsx');
    }
    return new DetectPool(entry, workers, init);
  }

  /** Follows one worker's life; resolves once it is ready (undefined) or could not start (why). */
  #watch(slot: Slot): Promise<string | undefined> {
    return new Promise((resolve) => {
      slot.worker.on('message', (message: FromDetectWorker) => {
        if (message.type === 'ready') {
          slot.state = 'ready';
          const { type: _, ...models } = message;
          this.info ??= models;
          resolve(undefined);
        } else if (message.type === 'init-failed') {
          slot.state = 'gone';
          log.warn({ err: message.message }, 'a detect worker could not load its models');
          resolve(message.message);
        } else {
          const done = slot.pending.get(message.id);
          slot.pending.delete(message.id);
          this.#analyzed++;
          done?.(message.outcome);
        }
      });
      // A worker that dies (out of memory, a native crash): its images get an error line, the others go on.
      const gone = (why: string): void => {
        slot.state = 'gone';
        for (const done of slot.pending.values()) done({ faces: [], error: `detect worker died: ${why}` });
        slot.pending.clear();
        resolve(why);
      };
      slot.worker.on('error', (error) => gone(error.message));
      slot.worker.on('exit', (code) => gone(`exited with code ${code}`));
    });
  }

  get workers(): number {
    return this.#slots.length;
  }

  /** Images the workers have analysed so far. */
  get analyzed(): number {
    return this.#analyzed;
  }

  #leastBusySlot(): Slot | undefined {
    let best: Slot | undefined;
    for (const s of this.#slots)
      if (s.state === 'ready' && (best === undefined || s.pending.size < best.pending.size)) best = s;
    return best;
  }

  /** Images in flight on the least busy ready worker; undefined while none is ready. */
  leastBusy(): number | undefined {
    return this.#leastBusySlot()?.pending.size;
  }

  /** Analyses `path` on the least busy ready worker (an error outcome if none is ready). */
  analyze(path: string): Promise<ImageOutcome> {
    if (this.#closed) return Promise.reject(new VisionError('CLOSED', 'DetectPool is closed'));
    const slot = this.#leastBusySlot();
    if (slot === undefined) return Promise.resolve({ faces: [], error: 'no detect worker is running' });
    const id = this.#nextId++;
    return new Promise((resolve) => {
      slot.pending.set(id, resolve);
      slot.worker.postMessage({ type: 'analyze', id, path } satisfies ToDetectWorker);
    });
  }

  /** Asks every worker to release its sessions and end, and waits for them (stopping a stuck one). Safe twice. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await Promise.all(
      this.#slots.map(
        (slot) =>
          new Promise<void>((resolve) => {
            const timer = setTimeout(() => void slot.worker.terminate(), CLOSE_TIMEOUT_MS);
            slot.worker.once('exit', () => {
              clearTimeout(timer);
              resolve();
            });
            // A worker still loading its models gets the message once it listens; one already gone exits at once.
            if (slot.worker.threadId === -1) resolve();
            else slot.worker.postMessage({ type: 'close' } satisfies ToDetectWorker);
          }),
      ),
    );
  }
}

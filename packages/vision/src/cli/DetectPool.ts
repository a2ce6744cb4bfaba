import { Worker } from 'node:worker_threads';

import { createLogger } from '../logger.ts';
import { VisionError } from '../VisionError.ts';
import type { ImageOutcome } from './analyzeForLine.ts';
import { bundleDetectWorker } from './bundleDetectWorker.ts';
import type { DetectWorkerInit, FromDetectWorker, ToDetectWorker } from './detectWorkerMessages.ts';

/** The worker through tsx: slower to start than the bundle, used when the bundle cannot be made. */
const TSX_ENTRY = new URL('./detectWorker.mjs', import.meta.url);
const log = createLogger('DetectPool');
const CLOSE_TIMEOUT_MS = 10_000;

type Slot = { worker: Worker; pending: Map<number, (outcome: ImageOutcome) => void>; exited: boolean };

/**
 * The detect command's worker threads, each with its own FacePipeline. `analyze` sends an image file to the least
 * busy worker; the caller bounds how many are in flight and keeps the output order (mapOrdered).
 */
export class DetectPool {
  readonly executionProvider: 'cpu' | 'cuda';
  readonly detector: string;
  readonly classifier: string;
  readonly #slots: Slot[];
  #nextId = 1;
  #closed = false;

  private constructor(slots: Slot[], ready: Extract<FromDetectWorker, { type: 'ready' }>) {
    this.#slots = slots;
    this.executionProvider = ready.executionProvider;
    this.detector = ready.detector;
    this.classifier = ready.classifier;
    for (const slot of slots) {
      slot.worker.on('message', (message: FromDetectWorker) => {
        if (message.type !== 'result') return;
        const resolve = slot.pending.get(message.id);
        slot.pending.delete(message.id);
        resolve?.(message.outcome);
      });
      // A worker that dies mid-run (out of memory, a native crash): its images get an error line, the others go on.
      const died = (error: Error): void => {
        slot.exited = true;
        for (const resolve of slot.pending.values()) resolve({ faces: [], error: `worker died: ${error.message}` });
        slot.pending.clear();
      };
      slot.worker.on('error', died);
      slot.worker.on('exit', (code) => {
        slot.exited = true;
        if (!this.#closed) died(new Error(`detect worker exited with code ${code}`));
      });
    }
  }

  /** Starts `workers` threads and waits until each has loaded its models; rejects (and stops them all) if one cannot. */
  static async create(workers: number, init: DetectWorkerInit): Promise<DetectPool> {
    let entry = TSX_ENTRY;
    try {
      entry = await bundleDetectWorker();
    } catch (error) {
      log.warn({ err: (error as Error).message }, 'cannot bundle the detect worker: workers start through tsx');
    }
    const started = Array.from({ length: workers }, () => new Worker(entry, { workerData: init }));
    try {
      const ready = await Promise.all(started.map((worker) => DetectPool.#ready(worker)));
      return new DetectPool(
        started.map((worker) => ({ worker, pending: new Map(), exited: false })),
        ready[0]!,
      );
    } catch (error) {
      await Promise.all(started.map((worker) => worker.terminate()));
      throw error;
    }
  }

  static #ready(worker: Worker): Promise<Extract<FromDetectWorker, { type: 'ready' }>> {
    return new Promise((resolve, reject) => {
      const done = (): void => {
        worker.off('message', onMessage);
        worker.off('error', reject);
        worker.off('exit', onExit);
      };
      const onMessage = (message: FromDetectWorker): void => {
        done();
        if (message.type === 'ready') resolve(message);
        // The worker's own message (a VisionError's, e.g. an unknown model): the command prints it and exits 2.
        else
          reject(
            new VisionError(
              'MODEL_INCOMPATIBLE',
              message.type === 'init-failed' ? message.message : 'detect worker did not start',
            ),
          );
      };
      const onExit = (code: number): void => {
        done();
        reject(new Error(`detect worker exited (${code}) while starting`));
      };
      worker.on('message', onMessage);
      worker.on('error', reject);
      worker.on('exit', onExit);
    });
  }

  get workers(): number {
    return this.#slots.length;
  }

  analyze(path: string): Promise<ImageOutcome> {
    if (this.#closed) return Promise.reject(new VisionError('CLOSED', 'DetectPool is closed'));
    let slot: Slot | undefined;
    for (const s of this.#slots) if (!s.exited && (slot === undefined || s.pending.size < slot.pending.size)) slot = s;
    if (slot === undefined) return Promise.resolve({ faces: [], error: 'every detect worker has died' });
    const id = this.#nextId++;
    const target = slot;
    return new Promise((resolve) => {
      target.pending.set(id, resolve);
      target.worker.postMessage({ type: 'analyze', id, path } satisfies ToDetectWorker);
    });
  }

  /** Asks every worker to release its sessions and end; waits for them. Safe to call twice. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await Promise.all(
      this.#slots.map(
        (slot) =>
          new Promise<void>((resolve) => {
            if (slot.exited) return resolve();
            // A worker stuck in a native call is stopped after a while rather than holding the command open.
            const timer = setTimeout(() => void slot.worker.terminate(), CLOSE_TIMEOUT_MS);
            slot.worker.once('exit', () => {
              clearTimeout(timer);
              resolve();
            });
            slot.worker.postMessage({ type: 'close' } satisfies ToDetectWorker);
          }),
      ),
    );
  }
}

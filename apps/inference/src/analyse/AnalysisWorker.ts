import { Worker } from 'node:worker_threads';
import { EnhancedEmitter } from '@maskwatch/common/EnhancedEmitter';
import { createLogger } from '@maskwatch/common/logger';
import type { LiveFrameAnalysis } from './plan/analyseLiveBatch.ts';
import type { FromWorker, ToWorker, WireFrame, WorkerInfo, WorkerInit } from './workerMessages.ts';

const log = createLogger('AnalysisWorker');

export type AnalysisWorkerEvents = {
  /** The worker thread died and is being started again (work in flight was failed). */
  restart: [reason: string];
};

export type Analysed = { results: LiveFrameAnalysis[]; frames: Uint8Array[] };

type Pending = { resolve: (value: Analysed) => void; reject: (error: Error) => void };

const START_TIMEOUT_MS = 120_000;
const ENTRY = new URL('./analysis.worker.mjs', import.meta.url);

/**
 * Owns the analysis worker thread (ONNX off the main thread). `analyse` sends a batch of frames (their buffers are
 * transferred, and come back with the results). A worker that dies is started again.
 */
export class AnalysisWorker extends EnhancedEmitter<AnalysisWorkerEvents> {
  readonly info: WorkerInfo;
  readonly #init: WorkerInit;
  #worker: Worker;
  readonly #pending = new Map<number, Pending>();
  #nextId = 1;
  /** False while a dead worker is being replaced. */
  #ready = true;
  #busySince: number | undefined;
  #busyMs = 0;
  #closed = false;
  /** Batches the worker thread is running now (their promises may already be rejected by close()). */
  #running = 0;
  #idle: (() => void) | undefined;

  private constructor(init: WorkerInit, worker: Worker, info: WorkerInfo) {
    super();
    this.#init = init;
    this.info = info;
    this.#worker = worker;
    this.#attach(worker);
  }

  static async create(init: WorkerInit): Promise<AnalysisWorker> {
    const { worker, info } = await AnalysisWorker.#spawn(init);
    return new AnalysisWorker(init, worker, info);
  }

  static #spawn(init: WorkerInit): Promise<{ worker: Worker; info: WorkerInfo }> {
    // analysis.worker.mjs registers tsx in the worker, then loads analysis.worker.ts.
    const worker = new Worker(ENTRY, { workerData: init });
    return new Promise((resolve, reject) => {
      // Only our own listeners come off afterwards: Node's Worker keeps listeners of its own on itself.
      const done = () => {
        clearTimeout(timer);
        worker.off('error', fail);
        worker.off('exit', exited);
        worker.off('message', ready);
      };
      const fail = (error: Error) => {
        done();
        void worker.terminate();
        reject(error);
      };
      const exited = (code: number) => fail(new Error(`analysis worker exited (${code}) while starting`));
      const ready = (message: FromWorker) => {
        if (message.type === 'ready') {
          done();
          resolve({ worker, info: message.info });
        } else fail(new Error(message.type === 'init-failed' ? message.message : 'analysis worker did not start'));
      };
      const timer = setTimeout(
        () => fail(new Error(`analysis worker not ready within ${START_TIMEOUT_MS / 1000} s`)),
        START_TIMEOUT_MS,
      );
      worker.on('error', fail);
      worker.on('exit', exited);
      worker.on('message', ready);
    });
  }

  /** Batches in flight (0 or 1 with the FrameScheduler). */
  get inFlight(): number {
    return this.#pending.size;
  }

  /** Milliseconds the worker was busy since the last call (for the node's `busy` share). */
  takeBusyMs(): number {
    const now = performance.now();
    let busy = this.#busyMs;
    if (this.#busySince !== undefined) {
      busy += now - this.#busySince;
      this.#busySince = now;
    }
    this.#busyMs = 0;
    return busy;
  }

  analyse(frames: WireFrame[]): Promise<Analysed> {
    if (this.#closed) return Promise.reject(new Error('analysis worker closed'));
    if (!this.#ready) return Promise.reject(new Error('analysis worker restarting'));
    const id = this.#nextId++;
    const message: ToWorker = { type: 'analyse', id, frames };
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { resolve, reject });
      this.#running++;
      this.#busySince ??= performance.now();
      this.#worker.postMessage(
        message,
        frames.map((frame) => frame.data.buffer as ArrayBuffer),
      );
    });
  }

  /** The camera left this node: the worker drops its plan. */
  forget(cameraId: string): void {
    if (this.#closed || !this.#ready) return;
    const message: ToWorker = { type: 'forget', cameraId };
    this.#worker.postMessage(message);
  }

  /**
   * Rejects what waits, lets a batch the thread is running end (at most `graceMs`), then ends the thread.
   * Terminating the thread in the middle of an onnxruntime run aborts the whole process (SIGABRT).
   */
  async close(graceMs = 5000): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#failAll('analysis worker closed');
    if (this.#running > 0 && this.#ready) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, graceMs);
        this.#idle = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
    await this.#worker.terminate();
    this.removeAllListeners();
  }

  #attach(worker: Worker): void {
    worker.on('message', (message: FromWorker) => {
      if (message.type !== 'result' && message.type !== 'failed') return;
      if (--this.#running === 0) this.#idle?.();
      const pending = this.#pending.get(message.id);
      if (!pending) return;
      this.#pending.delete(message.id);
      this.#settleBusy();
      if (message.type === 'result') pending.resolve({ results: message.results, frames: message.frames });
      else pending.reject(new Error(`analysis failed: ${message.message}`));
    });
    worker.on('error', (error) => log.error({ err: error }, 'analysis worker error'));
    worker.on('exit', (code) => {
      if (this.#closed || worker !== this.#worker) return;
      const reason = `analysis worker exited (${code})`;
      log.error({ code }, 'analysis worker died; starting it again');
      this.#ready = false;
      this.#running = 0;
      this.#failAll(reason);
      this.safeEmit('restart', reason);
      void this.#respawn();
    });
  }

  async #respawn(delayMs = 1000): Promise<void> {
    await new Promise((resolve) => setTimeout(resolve, delayMs));
    if (this.#closed) return;
    try {
      const { worker } = await AnalysisWorker.#spawn(this.#init);
      if (this.#closed) {
        await worker.terminate();
        return;
      }
      this.#worker = worker;
      this.#attach(worker);
      this.#ready = true;
    } catch (error) {
      log.error({ err: error }, 'analysis worker did not start again; retrying');
      void this.#respawn(Math.min(30_000, delayMs * 2));
    }
  }

  #settleBusy(): void {
    if (this.#pending.size === 0 && this.#busySince !== undefined) {
      this.#busyMs += performance.now() - this.#busySince;
      this.#busySince = undefined;
    }
  }

  #failAll(reason: string): void {
    for (const pending of this.#pending.values()) pending.reject(new Error(reason));
    this.#pending.clear();
    this.#settleBusy();
  }
}

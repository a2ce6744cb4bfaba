import * as mediasoup from 'mediasoup';
import type { types } from 'mediasoup';
import { MaskwatchError } from '@maskwatch/protocol/errors';
import { EnhancedEmitter } from '../EnhancedEmitter.ts';
import { createLogger } from '../logger.ts';

const log = createLogger('WorkerPool');

export type WorkerPoolEvents = {
  /** A worker died; the routers on it are closed (each Room emits its own `close`). */
  workerdied: [pid: number, error: Error];
  /** A worker started (at start-up or as a replacement). */
  workeradded: [worker: types.Worker];
};

export type WorkerPoolOptions = {
  size: number;
  logLevel?: types.WorkerLogLevel;
  retryMinMs?: number;
  retryMaxMs?: number;
};

/**
 * One mediasoup worker per core. A worker that dies is replaced, with exponential backoff when replacements keep
 * failing; owners listen to `workerdied`/`workeradded` and re-create what they had on it.
 */
export class WorkerPool extends EnhancedEmitter<WorkerPoolEvents> {
  readonly size: number;
  readonly #workers: (types.Worker | undefined)[];
  readonly #logLevel: types.WorkerLogLevel;
  readonly #retryMinMs: number;
  readonly #retryMaxMs: number;
  readonly #retryTimers = new Set<NodeJS.Timeout>();
  #next = 0;
  #closed = false;

  private constructor(options: WorkerPoolOptions) {
    super();
    this.size = options.size;
    this.#workers = new Array(options.size).fill(undefined);
    this.#logLevel = options.logLevel ?? 'warn';
    this.#retryMinMs = options.retryMinMs ?? 500;
    this.#retryMaxMs = options.retryMaxMs ?? 30_000;
  }

  static async create(options: WorkerPoolOptions): Promise<WorkerPool> {
    const pool = new WorkerPool(options);
    try {
      await Promise.all(pool.#workers.map((_, slot) => pool.#start(slot)));
    } catch (error) {
      pool.close();
      throw error;
    }
    return pool;
  }

  get alive(): number {
    return this.#workers.filter((w) => w !== undefined && !w.closed).length;
  }

  get workers(): types.Worker[] {
    return this.#workers.filter((w): w is types.Worker => w !== undefined && !w.closed);
  }

  /** The live workers with their slot in the pool (a replacement takes the slot of the worker it replaces). */
  slots(): { slot: number; worker: types.Worker }[] {
    return this.#workers.flatMap((worker, slot) => (worker && !worker.closed ? [{ slot, worker }] : []));
  }

  /** The next live worker, round robin; `unavailable` while every worker is being replaced. */
  next(): types.Worker {
    for (let i = 0; i < this.size; i++) {
      const slot = (this.#next + i) % this.size;
      const worker = this.#workers[slot];
      if (worker && !worker.closed) {
        this.#next = slot + 1;
        return worker;
      }
    }
    throw new MaskwatchError('unavailable', 'no media worker is running right now; retry in a moment');
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const timer of this.#retryTimers) clearTimeout(timer);
    this.#retryTimers.clear();
    for (const worker of this.#workers) worker?.close();
    this.#workers.fill(undefined);
  }

  async #start(slot: number): Promise<void> {
    const worker = await mediasoup.createWorker({ logLevel: this.#logLevel });
    if (this.#closed) {
      worker.close();
      return;
    }
    this.#workers[slot] = worker;
    log.info({ pid: worker.pid, slot }, 'worker started');
    worker.on('died', (error) => {
      log.error({ pid: worker.pid, slot, err: error }, 'worker died; replacing it');
      this.#workers[slot] = undefined;
      this.safeEmit('workerdied', worker.pid, error);
      this.#replace(slot, 0);
    });
    this.safeEmit('workeradded', worker);
  }

  #replace(slot: number, attempt: number): void {
    if (this.#closed) return;
    const delay = attempt === 0 ? 0 : Math.min(this.#retryMaxMs, this.#retryMinMs * 2 ** (attempt - 1));
    const timer = setTimeout(() => {
      this.#retryTimers.delete(timer);
      this.#start(slot).catch((error: unknown) => {
        log.error({ slot, attempt, err: error }, 'could not start a replacement worker');
        this.#replace(slot, attempt + 1);
      });
    }, delay);
    this.#retryTimers.add(timer);
  }
}

import { availableParallelism } from 'node:os';

export type VerificationGateOptions = {
  /**
   * Password checks running at once, all addresses together: each keeps a core busy for a tenth of a second or more
   * and holds a libuv thread (which files and DNS share) and 32 MiB. Default: one per core, 2 to 4.
   */
  concurrency?: number;
  /** Checks waiting for a free slot; beyond, a new address is refused. */
  maxQueued?: number;
  /** How long a check may wait for a slot before it is refused. */
  maxWaitMs?: number;
};

const DEFAULTS = { concurrency: Math.min(4, Math.max(2, availableParallelism())), maxQueued: 64, maxWaitMs: 3000 };

type Waiter = { key: string; grant: (release: () => void) => void; timer: NodeJS.Timeout };

/**
 * Admits password checks fairly: one at a time per address (a flooding address never holds more than one slot, and
 * its further requests are refused at once, before any hashing), a few at a time in all, and the rest in a short
 * first-come queue. So a flood from one address (or a few) cannot keep another address's sign-in from its check.
 */
export class VerificationGate {
  readonly #concurrency: number;
  readonly #maxQueued: number;
  readonly #maxWaitMs: number;
  /** Addresses with a check running or waiting. */
  readonly #busy = new Set<string>();
  readonly #queue: Waiter[] = [];
  #running = 0;

  constructor(options: VerificationGateOptions = {}) {
    this.#concurrency = options.concurrency ?? DEFAULTS.concurrency;
    this.#maxQueued = options.maxQueued ?? DEFAULTS.maxQueued;
    this.#maxWaitMs = options.maxWaitMs ?? DEFAULTS.maxWaitMs;
  }

  /** Checks running now. */
  get running(): number {
    return this.#running;
  }

  /**
   * A slot for one check from `key` (the caller runs it, then calls the release it got), or undefined when `key`
   * already has one running or waiting, or when the queue is full or the wait ran out.
   */
  async enter(key: string): Promise<(() => void) | undefined> {
    if (this.#busy.has(key)) return undefined;
    if (this.#running < this.#concurrency) return this.#grant(key);
    if (this.#queue.length >= this.#maxQueued) return undefined;
    this.#busy.add(key);
    return new Promise((resolve) => {
      const waiter: Waiter = {
        key,
        grant: resolve,
        timer: setTimeout(() => {
          const at = this.#queue.indexOf(waiter);
          if (at >= 0) this.#queue.splice(at, 1);
          this.#busy.delete(key);
          resolve(undefined);
        }, this.#maxWaitMs),
      };
      this.#queue.push(waiter);
    });
  }

  #grant(key: string): () => void {
    this.#busy.add(key);
    this.#running++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.#running--;
      this.#busy.delete(key);
      const next = this.#queue.shift();
      if (next) {
        clearTimeout(next.timer);
        next.grant(this.#grant(next.key));
      }
    };
  }
}

/**
 * A fixed-capacity FIFO: pushing into a full buffer overwrites the oldest item. Memory is bounded by the capacity
 * however long the process runs (the metrics history keeps one hour at 5 s: 720 samples).
 */
export class RingBuffer<T> {
  readonly capacity: number;
  readonly #items: (T | undefined)[];
  #start = 0;
  #length = 0;

  constructor(capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`capacity must be a positive integer, not ${capacity}`);
    this.capacity = capacity;
    this.#items = new Array<T | undefined>(capacity).fill(undefined);
  }

  get length(): number {
    return this.#length;
  }

  push(item: T): void {
    const end = (this.#start + this.#length) % this.capacity;
    this.#items[end] = item;
    if (this.#length < this.capacity) this.#length++;
    else this.#start = (this.#start + 1) % this.capacity;
  }

  /** The newest item, if any. */
  last(): T | undefined {
    return this.#length === 0 ? undefined : this.#items[(this.#start + this.#length - 1) % this.capacity];
  }

  /** Oldest first. */
  toArray(): T[] {
    const out: T[] = [];
    for (let i = 0; i < this.#length; i++) out.push(this.#items[(this.#start + i) % this.capacity] as T);
    return out;
  }

  /** The newest items for which `keep` holds, oldest first (stops at the first older one that does not). */
  takeLastWhile(keep: (item: T) => boolean): T[] {
    const out: T[] = [];
    for (let i = this.#length - 1; i >= 0; i--) {
      const item = this.#items[(this.#start + i) % this.capacity] as T;
      if (!keep(item)) break;
      out.push(item);
    }
    return out.reverse();
  }

  clear(): void {
    this.#items.fill(undefined);
    this.#start = 0;
    this.#length = 0;
  }
}

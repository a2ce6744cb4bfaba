/**
 * Free lists of typed arrays by length, so that a detector reuses its input tensors and scratch frames instead of
 * allocating megabytes per image. `take` hands out an array no one else holds until it is `give`n back, so runs in
 * flight at the same time never share one.
 */
export class BufferPool<T extends Float32Array | Uint8Array> {
  readonly #create: (length: number) => T;
  readonly #free = new Map<number, T[]>();
  readonly #keepPerLength: number;
  readonly #maxLengths: number;

  /** Keeps up to `keepPerLength` arrays of each of the `maxLengths` lengths seen last (frames of other sizes come and go). */
  constructor(create: (length: number) => T, keepPerLength: number = 2, maxLengths: number = 4) {
    this.#create = create;
    this.#keepPerLength = keepPerLength;
    this.#maxLengths = maxLengths;
  }

  take(length: number): T {
    return this.#free.get(length)?.pop() ?? this.#create(length);
  }

  give(array: T): void {
    let list = this.#free.get(array.length);
    if (list === undefined) {
      // Forget the length seen longest ago (Map keeps insertion order).
      if (this.#free.size >= this.#maxLengths) this.#free.delete(this.#free.keys().next().value as number);
      list = [];
      this.#free.set(array.length, list);
    }
    if (list.length < this.#keepPerLength) list.push(array);
  }

  /** Arrays held for reuse (for tests). */
  get held(): number {
    let n = 0;
    for (const list of this.#free.values()) n += list.length;
    return n;
  }
}

/**
 * Events in the last `windowMs` (e.g. frames decoded), for a per-second rate and a sum of their weights. Bounded by
 * the event rate times the window (a few hundred at video rates); old events are dropped as new ones come and on
 * every read.
 */
export class RateWindow {
  readonly #windowMs: number;
  readonly #times: number[] = [];
  readonly #weights: number[] = [];
  #head = 0;
  readonly #startedAt: number;

  constructor(windowMs: number, now = performance.now()) {
    this.#windowMs = windowMs;
    this.#startedAt = now;
  }

  /** Events held (those in the window, and some older ones until the next compaction). */
  get stored(): number {
    return this.#times.length;
  }

  add(weight = 1, now = performance.now()): void {
    this.#times.push(now);
    this.#weights.push(weight);
    this.#trim(now);
  }

  /**
   * Events per second over the window (over the time since creation while that is shorter, but at least a second,
   * so the first frames after a start do not read as a burst).
   */
  perSecond(now = performance.now()): number {
    this.#trim(now);
    return (this.#times.length - this.#head) / this.#spanSeconds(now);
  }

  /** The sum of the weights in the window, per millisecond of window (a busy share when weights are ms of work). */
  weightPerMs(now = performance.now()): number {
    this.#trim(now);
    let sum = 0;
    for (let i = this.#head; i < this.#weights.length; i++) sum += this.#weights[i] ?? 0;
    return sum / (this.#spanSeconds(now) * 1000);
  }

  #spanSeconds(now: number): number {
    return Math.max(1, Math.min(this.#windowMs, now - this.#startedAt) / 1000);
  }

  #trim(now: number): void {
    const cutoff = now - this.#windowMs;
    while (this.#head < this.#times.length && (this.#times[this.#head] ?? 0) <= cutoff) this.#head++;
    // Compact now and then rather than shifting on every event.
    if (this.#head > 256 && this.#head * 2 > this.#times.length) {
      this.#times.splice(0, this.#head);
      this.#weights.splice(0, this.#head);
      this.#head = 0;
    }
  }
}

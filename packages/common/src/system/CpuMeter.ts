/**
 * Cores used between two readings of a cumulative CPU time: `new CpuMeter()` then `cores(totalMicros)` at a steady
 * interval (process.cpuUsage(), a mediasoup worker's ru_utime + ru_stime).
 */
export class CpuMeter {
  #lastMicros: number | null = null;
  #lastAt = 0;

  /** Cores used since the previous call (1 = one core busy the whole time); 0 on the first call or a reset. */
  cores(totalMicros: number, now = performance.now()): number {
    const previous = this.#lastMicros;
    const elapsedMs = now - this.#lastAt;
    this.#lastMicros = totalMicros;
    this.#lastAt = now;
    // A counter that went back is a restarted process: start over.
    if (previous === null || totalMicros < previous || elapsedMs <= 0) return 0;
    return (totalMicros - previous) / 1000 / elapsedMs;
  }
}

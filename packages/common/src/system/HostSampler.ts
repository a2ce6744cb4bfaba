import { cpus, freemem, loadavg, totalmem } from 'node:os';

export type HostReading = {
  /** Busy share of all cores since the previous reading (since start-up for the first). */
  cpu: number;
  cores: number;
  memoryUsedBytes: number;
  memoryTotalBytes: number;
  load1: number;
};

function cpuTimes(): { busy: number; total: number; cores: number } {
  let busy = 0;
  let total = 0;
  const all = cpus();
  for (const { times } of all) {
    const sum = times.user + times.nice + times.sys + times.idle + times.irq;
    total += sum;
    busy += sum - times.idle;
  }
  return { busy, total, cores: all.length };
}

/** This machine's CPU and memory. CPU is measured between two readings, so read at a steady interval. */
export class HostSampler {
  #last = cpuTimes();

  read(): HostReading {
    const now = cpuTimes();
    const total = now.total - this.#last.total;
    const busy = now.busy - this.#last.busy;
    this.#last = now;
    const memoryTotalBytes = totalmem();
    return {
      cpu: total > 0 ? Math.min(1, Math.max(0, busy / total)) : 0,
      cores: Math.max(1, now.cores),
      // freemem() is MemAvailable on Linux: page cache the kernel can drop counts as free.
      memoryUsedBytes: Math.max(0, memoryTotalBytes - freemem()),
      memoryTotalBytes,
      load1: loadavg()[0] ?? 0,
    };
  }
}

import { execFile } from 'node:child_process';
import { createLogger } from '../logger.ts';
import { GPU_QUERY, parseGpuCsv, parseProcessCsv, PROCESS_QUERY, type GpuReading } from './parseNvidiaSmi.ts';

export type { GpuReading } from './parseNvidiaSmi.ts';

const log = createLogger('GpuSampler');

export type GpuSnapshot = {
  /** ms since epoch of the reading. */
  at: number;
  gpus: GpuReading[];
  /** GPU memory per process id. */
  processes: ReadonlyMap<number, number>;
};

export type GpuSamplerOptions = {
  /** The nvidia-smi binary (default: `nvidia-smi` on PATH). */
  command?: string;
  intervalMs?: number;
  timeoutMs?: number;
};

function run(command: string, args: string[], timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(command, args, { timeout: timeoutMs, maxBuffer: 1024 * 1024 }, (error, stdout) => {
      if (error) reject(error);
      else resolve(stdout);
    });
  });
}

/**
 * Reads the NVIDIA GPUs of this machine every few seconds through `nvidia-smi` (utilisation, memory, temperature,
 * power, memory per process). Where nvidia-smi is not installed it stops at the first try and `latest()` stays null;
 * readings are polled, never taken on a scrape, so a slow nvidia-smi cannot slow `/metrics` down.
 */
export class GpuSampler {
  readonly #command: string;
  readonly #intervalMs: number;
  readonly #timeoutMs: number;
  #latest: GpuSnapshot | null = null;
  #timer: NodeJS.Timeout | undefined;
  #closed = false;
  #absent = false;
  #warned = false;

  constructor(options: GpuSamplerOptions = {}) {
    this.#command = options.command ?? 'nvidia-smi';
    this.#intervalMs = options.intervalMs ?? 5000;
    this.#timeoutMs = options.timeoutMs ?? 4000;
  }

  /** Starts polling; resolves after the first reading (or after learning that there is no nvidia-smi). */
  async start(): Promise<void> {
    await this.#poll();
  }

  /** The newest reading; null without nvidia-smi or before the first one. */
  latest(): GpuSnapshot | null {
    return this.#latest;
  }

  /** False once nvidia-smi turned out to be missing. */
  get present(): boolean {
    return !this.#absent;
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    clearTimeout(this.#timer);
  }

  async #poll(): Promise<void> {
    if (this.#closed) return;
    try {
      const [gpuText, processText] = await Promise.all([
        run(this.#command, [`--query-gpu=${GPU_QUERY}`, '--format=csv,noheader,nounits'], this.#timeoutMs),
        // Fails on some drivers (no compute apps query); the GPU figures stand without it.
        run(this.#command, [`--query-compute-apps=${PROCESS_QUERY}`, '--format=csv,noheader,nounits'], this.#timeoutMs).catch(() => ''),
      ]);
      this.#latest = { at: Date.now(), gpus: parseGpuCsv(gpuText), processes: parseProcessCsv(processText) };
      this.#warned = false;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
        this.#absent = true;
        log.debug({ command: this.#command }, 'no nvidia-smi: no GPU metrics');
        return;
      }
      this.#latest = null;
      if (!this.#warned) log.warn({ err: error, command: this.#command }, 'nvidia-smi failed; retrying');
      this.#warned = true;
    }
    if (this.#closed) return;
    this.#timer = setTimeout(() => void this.#poll(), this.#intervalMs);
    this.#timer.unref();
  }
}

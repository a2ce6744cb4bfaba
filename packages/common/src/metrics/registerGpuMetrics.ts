import { Gauge, type Registry } from 'prom-client';
import type { GpuSampler } from '../system/GpuSampler.ts';

/**
 * GPU gauges read from the sampler's newest reading (no series at all without nvidia-smi):
 * utilisation, memory, temperature, power per GPU index, and the GPU's name in an info metric.
 * The server and every inference node register them for their own host.
 */
export function registerGpuMetrics(registry: Registry, gpu: GpuSampler): void {
  const gpus = () => gpu.latest()?.gpus ?? [];
  const gauge = (name: string, help: string, value: (g: ReturnType<typeof gpus>[number]) => number | null) =>
    new Gauge({
      name,
      help,
      labelNames: ['gpu'],
      registers: [registry],
      collect() {
        this.reset();
        for (const g of gpus()) {
          const v = value(g);
          if (v !== null) this.set({ gpu: String(g.index) }, v);
        }
      },
    });
  gauge('maskwatch_gpu_utilisation_ratio', 'Share of time the GPU was busy (nvidia-smi utilization.gpu), 0..1.', (g) => g.utilisation);
  gauge('maskwatch_gpu_memory_used_bytes', 'GPU memory in use.', (g) => g.memoryUsedBytes);
  gauge('maskwatch_gpu_memory_total_bytes', 'GPU memory in all.', (g) => g.memoryTotalBytes);
  gauge('maskwatch_gpu_temperature_celsius', 'GPU core temperature.', (g) => g.temperatureCelsius);
  gauge('maskwatch_gpu_power_watts', 'GPU power draw.', (g) => g.powerWatts);
  new Gauge({
    name: 'maskwatch_gpu_info',
    help: 'The GPUs nvidia-smi reports (value 1), with their names.',
    labelNames: ['gpu', 'name'],
    registers: [registry],
    collect() {
      this.reset();
      for (const g of gpus()) this.set({ gpu: String(g.index), name: g.name }, 1);
    },
  });
}

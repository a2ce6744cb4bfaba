/**
 * The metric shapes the server (ServerMetrics) and every inference node (NodeMetrics) share, declared once: a
 * process's registry (Node's own metrics and the host's GPUs), the buckets of per-stage timings, and the gauge whose
 * series are read from current state at each scrape (per camera, per node, per GPU, per label).
 */
import { collectDefaultMetrics, Gauge, Registry } from 'prom-client';
import type { GpuSampler } from '../system/GpuSampler.ts';

/** Buckets of a stage of an analysed frame (decode, queue, detect, classify, track, emit, total), in seconds. */
export const STAGE_SECONDS_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5];

/** A registry with prom-client's process and Node metrics and the GPU gauges of this host. */
export function createProcessRegistry(gpu: GpuSampler): Registry {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  // Gauges named like counters (promtool rejects them); the per-type gauges without `_total` carry the same.
  for (const name of ['nodejs_active_handles_total', 'nodejs_active_requests_total', 'nodejs_active_resources_total'])
    registry.removeSingleMetric(name);
  registerGpuMetrics(registry, gpu);
  return registry;
}

/**
 * A gauge whose series are exactly what `read` yields at each scrape (label values and a value): series of cameras
 * or nodes that are gone disappear with them.
 */
export function stateGauge<L extends string>(options: {
  name: string;
  help: string;
  labelNames: readonly L[];
  registry: Registry;
  read: () => Iterable<readonly [labels: Record<L, string>, value: number]>;
}): Gauge<L> {
  const { read } = options;
  return new Gauge({
    name: options.name,
    help: options.help,
    labelNames: options.labelNames,
    registers: [options.registry],
    collect() {
      this.reset();
      for (const [labels, value] of read()) this.set(labels as Partial<Record<L, string | number>>, value);
    },
  });
}

/**
 * GPU gauges read from the sampler's newest reading (no series at all without nvidia-smi): utilisation, memory,
 * temperature, power per GPU index, and the GPU's name in an info metric, for this host.
 */
function registerGpuMetrics(registry: Registry, gpu: GpuSampler): void {
  const gpus = () => gpu.latest()?.gpus ?? [];
  const gauge = (name: string, help: string, value: (g: ReturnType<typeof gpus>[number]) => number | null) =>
    stateGauge({
      name,
      help,
      labelNames: ['gpu'],
      registry,
      *read() {
        for (const g of gpus()) {
          const v = value(g);
          if (v !== null) yield [{ gpu: String(g.index) }, v];
        }
      },
    });
  gauge('maskwatch_gpu_utilisation_ratio', 'Share of time the GPU was busy (nvidia-smi utilization.gpu), 0..1.', (g) => g.utilisation);
  gauge('maskwatch_gpu_memory_used_bytes', 'GPU memory in use.', (g) => g.memoryUsedBytes);
  gauge('maskwatch_gpu_memory_total_bytes', 'GPU memory in all.', (g) => g.memoryTotalBytes);
  gauge('maskwatch_gpu_temperature_celsius', 'GPU core temperature.', (g) => g.temperatureCelsius);
  gauge('maskwatch_gpu_power_watts', 'GPU power draw.', (g) => g.powerWatts);
  stateGauge({
    name: 'maskwatch_gpu_info',
    help: 'The GPUs nvidia-smi reports (value 1), with their names.',
    labelNames: ['gpu', 'name'],
    registry,
    read: () => gpus().map((g) => [{ gpu: String(g.index), name: g.name }, 1]),
  });
}

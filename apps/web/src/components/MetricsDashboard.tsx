'use client';
/**
 * /metrics: the system live. Host and per-process CPU, memory and GPU, inference throughput and latency over the
 * last hour (uPlot), and a row per camera: input and analysed fps, dropped frames, p50/p95 latency, analysis status.
 * History from REST, then a new sample every few seconds over socket.io. Needs a `SignallingProvider` above it.
 */
import { useMemo } from 'react';
import type { MetricsSample, ProcessSample } from '@maskwatch/protocol/metrics';
import { useMetrics } from '../hooks/useMetrics';
import { useSignalling } from '../hooks/useSignalling';
import { colour, formatBytes, formatNumber, formatPercent } from '../lib/format';
import { CameraMetricsTable } from './CameraMetricsTable';
import { NavBar } from './NavBar';
import { TimeChart, type ChartSeries } from './TimeChart';
import styles from './Dashboard.module.css';
import { useSession } from '../lib/session';

const percent = (value: number) => `${value.toFixed(0)} %`;
const gib = (value: number) => `${value.toFixed(1)} GiB`;
const mib = (value: number) => `${value.toFixed(0)} MiB`;
const fps = (value: number) => `${value.toFixed(1)} fps`;
const ms = (value: number) => `${value.toFixed(0)} ms`;

function processName(process: Pick<ProcessSample, 'id' | 'kind'>): string {
  if (process.kind === 'server') return 'server';
  if (process.kind === 'mediasoup-worker') return process.id.replace(/^worker-/, 'mediasoup worker ');
  return process.id.replace(/^node-/, 'inference ');
}

/** One series per key found in any sample (processes come and go), aligned on the samples. */
function seriesByKey<T>(
  samples: readonly MetricsSample[],
  items: (sample: MetricsSample) => readonly T[],
  key: (item: T) => string,
  label: (item: T) => string,
  value: (item: T) => number | null,
  offset = 0,
): ChartSeries[] {
  const labels = new Map<string, string>();
  for (const sample of samples) for (const item of items(sample)) if (!labels.has(key(item))) labels.set(key(item), label(item));
  return [...labels].map(([id, name], i) => ({
    label: name,
    colour: colour(i + offset),
    values: samples.map((sample) => {
      const item = items(sample).find((candidate) => key(candidate) === id);
      return item === undefined ? null : value(item);
    }),
  }));
}

export function MetricsDashboard() {
  const session = useSession('operator');
  const { link } = useSignalling();
  const { samples, intervalMs, error } = useMetrics();
  const latest = samples.at(-1);
  const x = useMemo(() => samples.map((sample) => sample.at / 1000), [samples]);

  const charts = useMemo(() => {
    const hostCpu: ChartSeries[] = [{ label: 'host (all cores)', colour: colour(0), values: samples.map((s) => s.host.cpu * 100) }];
    const processCpu = seriesByKey(samples, (s) => s.processes, (p) => p.id, processName, (p) => p.cpu * 100, 1);
    const memory: ChartSeries[] = [
      { label: 'host used', colour: colour(0), values: samples.map((s) => s.host.memoryUsedBytes / 2 ** 30) },
      { label: 'host total', colour: '#475569', dash: [4, 4], values: samples.map((s) => s.host.memoryTotalBytes / 2 ** 30) },
    ];
    const processMemory = seriesByKey(samples, (s) => s.processes, (p) => p.id, processName, (p) => (p.rssBytes === null ? null : p.rssBytes / 2 ** 20), 1);
    const gpu = [
      ...seriesByKey(samples, (s) => s.gpus, (g) => `u${g.index}`, (g) => `GPU ${g.index} busy`, (g) => g.utilisation * 100),
      ...seriesByKey(
        samples,
        (s) => s.gpus,
        (g) => `m${g.index}`,
        (g) => `GPU ${g.index} memory`,
        (g) => (g.memoryTotalBytes > 0 ? (g.memoryUsedBytes / g.memoryTotalBytes) * 100 : null),
        4,
      ),
    ];
    const throughput: ChartSeries[] = [
      { label: 'analysed (all nodes)', colour: colour(1), values: samples.map((s) => s.inference.framesPerSecond) },
      { label: 'results to viewers', colour: colour(0), dash: [4, 3], values: samples.map((s) => s.cameras.reduce((sum, c) => sum + c.resultsFps, 0)) },
      ...seriesByKey(samples, (s) => s.inference.nodes, (n) => n.nodeId, (n) => `node ${n.nodeId}`, (n) => n.framesPerSecond, 2),
    ];
    const latency = seriesByKey(
      samples,
      (s) => s.cameras.filter((c) => c.latencyP95Ms !== null).slice(0, 8),
      (c) => c.cameraId,
      (c) => `${c.name} p95`,
      (c) => c.latencyP95Ms,
    );
    return { hostCpu, processCpu, memory, processMemory, gpu, throughput, latency };
  }, [samples]);

  const live = latest?.cameras.filter((camera) => camera.status === 'live').length ?? 0;
  const analysed = latest?.cameras.filter((camera) => camera.analysis === 'running').length ?? 0;
  const gpus = latest?.gpus ?? [];

  return (
    <div className={styles.shell}>
      <NavBar current="/metrics" session={session}>
        <span>{latest ? `updated ${new Date(latest.at).toLocaleTimeString()} · every ${intervalMs / 1000} s` : 'waiting for the first sample…'}</span>
        <span className={`${styles.link} ${styles[link.status]}`} data-link={link.status} title={link.detail ?? undefined}>
          {link.status === 'online' ? 'live' : link.status === 'connecting' ? 'connecting…' : 'disconnected'}
        </span>
      </NavBar>
      <main className={styles.main} data-samples={samples.length}>
        {error && <p className={styles.error}>{error}</p>}
        <section className={styles.tiles} aria-label="Now">
          <Tile label="Host CPU" value={formatPercent(latest?.host.cpu)} detail={latest ? `${latest.host.cores} cores · load ${latest.host.load1.toFixed(2)}` : undefined} />
          <Tile
            label="Host memory"
            value={formatBytes(latest?.host.memoryUsedBytes)}
            detail={latest ? `of ${formatBytes(latest.host.memoryTotalBytes)}` : undefined}
          />
          <Tile
            label="GPU"
            value={gpus.length === 0 ? '—' : formatPercent(gpus.reduce((sum, g) => sum + g.utilisation, 0) / gpus.length)}
            detail={gpus.length === 0 ? 'no nvidia-smi on the server' : gpus.map((g) => `${g.name}: ${formatBytes(g.memoryUsedBytes)}`).join(' · ')}
          />
          <Tile label="Analysed" value={`${formatNumber(latest?.inference.framesPerSecond)} fps`} detail={`${latest?.inference.nodes.length ?? 0} inference nodes`} />
          <Tile label="Cameras" value={`${live} live`} detail={`${analysed} analysed of ${latest?.cameras.length ?? 0}`} />
          <Tile
            label="Faces in view"
            value={String(latest ? latest.facesInView.mask + latest.facesInView.no_mask + latest.facesInView.incorrect + latest.facesInView.undecided : 0)}
            detail={latest ? `${latest.facesInView.no_mask} no mask · ${latest.facesInView.incorrect} incorrect` : undefined}
          />
          <Tile
            label="Connections"
            value={String(latest ? latest.media.sockets.viewer + latest.media.sockets.camera : 0)}
            detail={latest ? `${latest.media.sockets.camera} cameras · ${latest.media.producers} producers · ${latest.media.consumers} consumers` : undefined}
          />
        </section>

        <section className={styles.card}>
          <h2 className={styles.heading}>Cameras</h2>
          <CameraMetricsTable cameras={latest?.cameras ?? []} />
        </section>

        <section className={styles.charts} aria-label="Charts">
          <TimeChart title="Inference throughput" x={x} series={charts.throughput} format={fps} />
          <TimeChart title="Capture to viewer, p95" x={x} series={charts.latency} format={ms} empty="No results yet: no camera is analysed." />
          <TimeChart title="Host CPU" x={x} series={charts.hostCpu} format={percent} yRange={[0, 100]} />
          <TimeChart title="Process CPU (% of one core)" x={x} series={charts.processCpu} format={percent} />
          <TimeChart title="Host memory" x={x} series={charts.memory} format={gib} />
          <TimeChart title="Process memory (resident)" x={x} series={charts.processMemory} format={mib} />
          <TimeChart title="GPU" x={x} series={charts.gpu} format={percent} yRange={[0, 100]} empty="No GPU: nvidia-smi is not on the server." />
        </section>

        <section className={styles.card}>
          <h2 className={styles.heading}>Processes</h2>
          <ProcessTable processes={latest?.processes ?? []} />
          <p className={styles.muted}>
            Prometheus: scrape <span className={styles.mono}>GET /metrics</span> on this server (and on each inference node). From
            other machines it needs <span className={styles.mono}>Authorization: Bearer $MASKWATCH_METRICS_TOKEN</span>.
          </p>
        </section>
      </main>
    </div>
  );
}

function Tile({ label, value, detail }: { label: string; value: string; detail?: string | undefined }) {
  return (
    <div className={styles.tile}>
      <div className={styles.tileLabel}>{label}</div>
      <div className={styles.tileValue}>{value}</div>
      {detail && <div className={styles.tileDetail}>{detail}</div>}
    </div>
  );
}

function ProcessTable({ processes }: { processes: readonly ProcessSample[] }) {
  if (processes.length === 0) return <p className={styles.muted}>No sample yet.</p>;
  return (
    <div className={styles.tableWrap}>
      <table className={styles.table}>
        <thead>
          <tr>
            <th>Process</th>
            <th className={styles.num}>CPU (% of a core)</th>
            <th className={styles.num}>Memory</th>
            <th className={styles.num}>GPU memory</th>
          </tr>
        </thead>
        <tbody>
          {processes.map((process) => (
            <tr key={process.id} data-process-id={process.id}>
              <td>{processName(process)}</td>
              <td className={styles.num}>{formatNumber(process.cpu * 100, 0)} %</td>
              <td className={styles.num}>{formatBytes(process.rssBytes)}</td>
              <td className={styles.num}>{formatBytes(process.gpuMemoryBytes)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

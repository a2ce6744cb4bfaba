import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import { createProcessRegistry, STAGE_SECONDS_BUCKETS, stateGauge } from '@maskwatch/common/metrics/metricShapes';
import { CpuMeter } from '@maskwatch/common/system/CpuMeter';
import { GpuSampler } from '@maskwatch/common/system/GpuSampler';
import { HostSampler } from '@maskwatch/common/system/HostSampler';
import { readRss } from '@maskwatch/common/system/readRss';
import { ANALYSIS_STATUSES, CAMERA_STATUSES } from '@maskwatch/protocol/camera';
import type { FrameResult } from '@maskwatch/protocol/faces';
import type { CameraStats, NodeStats } from '@maskwatch/protocol/inference';
import {
  METRICS_HISTORY_CAPACITY,
  METRICS_INTERVAL_MS,
  type CameraSample,
  type MetricsSample,
  type ProcessSample,
} from '@maskwatch/protocol/metrics';
import type { CameraService } from '../cameras/CameraService.ts';
import { EnhancedEmitter } from '../EnhancedEmitter.ts';
import { createLogger } from '../logger.ts';
import type { MediaService } from '../media/MediaService.ts';
import { MediaCounter } from './MediaCounter.ts';
import type {
  AlertChangeEvent,
  AlertsSource,
  FirstResultsSource,
  NodeStatsSource,
  ResultsSource,
  SocketsSource,
} from './MetricsSources.ts';
import { captureToViewerMs, FACE_LABELS_IN_VIEW, ResultStats, type CameraWindow } from './ResultStats.ts';
import { RingBuffer } from './RingBuffer.ts';

const log = createLogger('ServerMetrics');

export type ServerMetricsEvents = {
  /** A new sample of the whole system (every `intervalMs`). */
  sample: [MetricsSample];
};

export type ServerMetricsOptions = {
  cameras: CameraService;
  media: MediaService;
  intervalMs?: number;
  capacity?: number;
  /** nvidia-smi sampler; default: one of its own (no GPU figures where nvidia-smi is absent). */
  gpu?: GpuSampler;
};

/** The stages of an analysed frame whose durations `maskwatch_frame_stage_seconds` records. */
const STAGES = ['decode', 'queue', 'detect', 'classify', 'track', 'emit'] as const;

/**
 * The server's metrics: a Prometheus registry (`GET /metrics`: default process/Node metrics, cameras, sockets,
 * mediasoup objects and worker CPU, host, GPU, results, inference nodes, alerts) and one `MetricsSample` every
 * `intervalMs`, kept in a bounded history (one hour) and emitted as `sample` for the console's live page.
 *
 * Results, node stats and alerts come from parts this class does not own: `attachResults`, `attachNodeStats`,
 * `attachAlerts` (wired in createServer). `close()` detaches them and stops the sampling.
 */
export class ServerMetrics extends EnhancedEmitter<ServerMetricsEvents> {
  readonly registry: Registry;
  readonly intervalMs: number;
  readonly history: RingBuffer<MetricsSample>;
  readonly #cameras: CameraService;
  readonly #media: MediaService;
  readonly #gpu: GpuSampler;
  readonly #host = new HostSampler();
  readonly #mediaCounter: MediaCounter;
  readonly #results = new ResultStats();
  readonly #serverCpu = new CpuMeter();
  readonly #workerCpu = new Map<number, CpuMeter>();
  readonly #offs: (() => void)[] = [];
  #nodeStats: NodeStatsSource | null = null;
  #sockets: SocketsSource | null = null;
  #timer: NodeJS.Timeout | undefined;
  #sampling = false;
  #closed = false;

  readonly #resultsTotal: Counter<'camera'>;
  readonly #captureToViewer: Histogram<'camera'>;
  readonly #stageSeconds: Histogram<'stage'>;
  readonly #faceDetections: Counter<'label'>;
  readonly #alertsTotal: Counter<'label'>;
  readonly #firstResultSeconds: Histogram;
  /** Per camera, how long its latest analysis start took to give a first result. */
  readonly #firstResultMs = new Map<string, number>();

  constructor(options: ServerMetricsOptions) {
    super();
    this.#cameras = options.cameras;
    this.#media = options.media;
    this.intervalMs = options.intervalMs ?? METRICS_INTERVAL_MS;
    this.history = new RingBuffer(options.capacity ?? METRICS_HISTORY_CAPACITY);
    this.#gpu = options.gpu ?? new GpuSampler({ intervalMs: this.intervalMs });
    this.#mediaCounter = new MediaCounter(this.#media.pool);
    this.registry = createProcessRegistry(this.#gpu);
    const registry = this.registry;
    const registers = [registry];

    const cameras = this.#cameras;
    /** How many of `values` are each of `all` (every one of `all` reported, zeros included). */
    const countBy = (all: readonly string[], values: string[]) =>
      all.map((status) => [{ status }, values.filter((value) => value === status).length] as const);
    stateGauge({
      name: 'maskwatch_cameras',
      help: 'Cameras by status (offline, connecting, live, error).',
      labelNames: ['status'],
      registry,
      read: () => countBy(CAMERA_STATUSES, cameras.views().map((view) => view.status)),
    });
    stateGauge({
      name: 'maskwatch_cameras_analysis',
      help: 'Cameras by analysis status (off, starting, running, stalled).',
      labelNames: ['status'],
      registry,
      read: () => countBy(ANALYSIS_STATUSES, cameras.views().map((view) => view.analysis.status)),
    });
    stateGauge({
      name: 'maskwatch_camera_info',
      help: 'Every camera (value 1), with its name and kind, to label per-camera series by name.',
      labelNames: ['camera', 'name', 'kind'],
      registry,
      read: () => cameras.views().map((view) => [{ camera: view.id, name: view.name, kind: view.kind }, 1] as const),
    });

    const sockets = () => this.#sockets?.connectionsByRole() ?? NO_SOCKETS;
    stateGauge({
      name: 'maskwatch_socket_connections',
      help: 'socket.io connections by role (camera pages, viewers).',
      labelNames: ['role'],
      registry,
      read: () => (['camera', 'viewer'] as const).map((role) => [{ role }, sockets()[role]] as const),
    });

    const counter = this.#mediaCounter;
    const mediaGauge = (name: 'producers' | 'consumers' | 'transports', help: string) =>
      stateGauge({
        name: `maskwatch_mediasoup_${name}`,
        help,
        labelNames: ['transport'],
        registry,
        read: () => {
          const counts: Record<string, number> = { webrtc: 0, plain: 0, pipe: 0, ...counter.counts()[name] };
          return Object.entries(counts).map(([transport, n]) => [{ transport }, n] as const);
        },
      });
    mediaGauge('producers', 'mediasoup producers by transport type (webrtc: camera pages; plain: RTSP ingest).');
    mediaGauge('consumers', 'mediasoup consumers by transport type (webrtc: viewers; plain: inference nodes).');
    mediaGauge('transports', 'mediasoup transports by type.');

    const pool = this.#media.pool;
    new Gauge({
      name: 'maskwatch_mediasoup_workers',
      help: 'mediasoup workers running (of the configured count).',
      registers,
      collect() {
        this.set(pool.alive);
      },
    });
    new Counter({
      name: 'maskwatch_mediasoup_worker_cpu_seconds_total',
      help: 'CPU time (user + system) of each mediasoup worker, by its slot in the pool; restarts from 0 when a worker is replaced.',
      labelNames: ['worker'],
      registers,
      async collect() {
        this.reset();
        await Promise.all(
          pool.slots().map(async ({ slot, worker }) => {
            const usage = await worker.getResourceUsage().catch(() => null);
            if (usage) this.inc({ worker: String(slot) }, (usage.ru_utime + usage.ru_stime) / 1000);
          }),
        );
      },
    });
    new Gauge({
      name: 'maskwatch_mediasoup_worker_resident_memory_bytes',
      help: 'Resident memory of each mediasoup worker, by its slot in the pool.',
      labelNames: ['worker'],
      registers,
      async collect() {
        this.reset();
        await Promise.all(
          pool.slots().map(async ({ slot, worker }) => {
            const rss = await readRss(worker.pid);
            if (rss !== null) this.set({ worker: String(slot) }, rss);
          }),
        );
      },
    });

    const latest = () => this.history.last();
    new Gauge({
      name: 'maskwatch_host_cpu_usage_ratio',
      help: 'Busy share of all CPU cores of the server host over the last metrics interval, 0..1.',
      registers,
      collect() {
        const sample = latest();
        if (sample) this.set(sample.host.cpu);
      },
    });
    new Gauge({
      name: 'maskwatch_host_memory_used_bytes',
      help: 'Memory in use on the server host (total minus available).',
      registers,
      collect() {
        const sample = latest();
        if (sample) this.set(sample.host.memoryUsedBytes);
      },
    });
    new Gauge({
      name: 'maskwatch_host_memory_total_bytes',
      help: 'Memory of the server host.',
      registers,
      collect() {
        const sample = latest();
        if (sample) this.set(sample.host.memoryTotalBytes);
      },
    });

    this.#resultsTotal = new Counter({
      name: 'maskwatch_results_total',
      help: 'Analysed frames whose results the server pushed to viewers, per camera.',
      labelNames: ['camera'],
      registers,
    });
    this.#captureToViewer = new Histogram({
      name: 'maskwatch_capture_to_viewer_seconds',
      help: "From a frame's capture to its results leaving the server for the viewers, per camera.",
      labelNames: ['camera'],
      buckets: [0.05, 0.1, 0.15, 0.2, 0.3, 0.5, 0.75, 1, 1.5, 2, 3, 5],
      registers,
    });
    this.#stageSeconds = new Histogram({
      name: 'maskwatch_frame_stage_seconds',
      help: 'Time an analysed frame spent in each stage: decode (capture to decoded on the node), queue, detect, classify, track, emit (node to viewers).',
      labelNames: ['stage'],
      buckets: STAGE_SECONDS_BUCKETS,
      registers,
    });
    this.#faceDetections = new Counter({
      name: 'maskwatch_face_detections_total',
      help: "Faces in analysed frames, by the frame's label (one per face per frame).",
      labelNames: ['label'],
      registers,
    });
    const facesInView = () => this.history.last()?.facesInView;
    new Gauge({
      name: 'maskwatch_faces_in_view',
      help: "Faces in view now, all cameras, by their track's label (undecided until the vote is in).",
      labelNames: ['label'],
      registers,
      collect() {
        const faces = facesInView();
        for (const label of FACE_LABELS_IN_VIEW) this.set({ label }, faces?.[label] ?? 0);
      },
    });
    this.#firstResultSeconds = new Histogram({
      name: 'maskwatch_analysis_first_result_seconds',
      help: 'From a camera going live (or its analysis being switched on or started again) to its first result.',
      buckets: [0.25, 0.5, 0.75, 1, 1.5, 2, 3, 5, 10, 20, 30],
      registers,
    });
    this.#alertsTotal = new Counter({
      name: 'maskwatch_alerts_total',
      help: 'Alerts raised (one per non-compliant person), by label.',
      labelNames: ['label'],
      registers,
    });

    const stats = () => this.#nodeStats?.nodeStats() ?? new Map<string, NodeStats>();
    const perCamera = (name: string, help: string, value: (camera: CameraStats) => number) =>
      stateGauge({
        name,
        help,
        labelNames: ['camera'],
        registry,
        read: () => [...stats().values()].flatMap((node) => node.cameras.map((c) => [{ camera: c.cameraId }, value(c)] as const)),
      });
    perCamera('maskwatch_camera_input_frames_per_second', 'Frames per second decoded from the camera on its inference node.', (c) => c.inputFps);
    perCamera('maskwatch_camera_analysed_frames_per_second', 'Frames per second analysed for the camera on its inference node.', (c) => c.analysedFps);
    new Counter({
      name: 'maskwatch_camera_frames_dropped_total',
      help: 'Frames the inference node dropped for the camera since it was assigned there, by reason (stale: a newer frame replaced it).',
      labelNames: ['camera', 'reason'],
      registers,
      collect() {
        this.reset();
        for (const node of stats().values())
          for (const camera of node.cameras)
            for (const [reason, n] of Object.entries(camera.dropped)) this.inc({ camera: camera.cameraId, reason }, n);
      },
    });
    new Counter({
      name: 'maskwatch_camera_resolution_changes_total',
      help: "Times the camera's analysed frames changed size on its inference node since it was assigned there (a rotated phone, a layer or stream switch).",
      labelNames: ['camera'],
      registers,
      collect() {
        this.reset();
        for (const node of stats().values())
          for (const camera of node.cameras) this.inc({ camera: camera.cameraId }, camera.resolutionChanges ?? 0);
      },
    });
    new Counter({
      name: 'maskwatch_camera_decoder_restarts_total',
      help: "Restarts of the camera's decoder on its inference node since it was assigned there.",
      labelNames: ['camera'],
      registers,
      collect() {
        this.reset();
        for (const node of stats().values())
          for (const camera of node.cameras) this.inc({ camera: camera.cameraId }, camera.decoderRestarts);
      },
    });
    new Gauge({
      name: 'maskwatch_inference_nodes',
      help: 'Inference nodes connected to the server.',
      registers,
      collect() {
        this.set(stats().size);
      },
    });
    const perNode = (name: string, help: string, value: (node: NodeStats) => number) =>
      stateGauge({ name, help, labelNames: ['node'], registry, read: () => [...stats()].map(([node, s]) => [{ node }, value(s)]) });
    perNode('maskwatch_inference_node_frames_per_second', 'Frames analysed per second by the node, all its cameras.', (n) => n.framesPerSecond);
    perNode('maskwatch_inference_node_busy_ratio', "Share of the time the node's analysis worker was busy, 0..1.", (n) => n.busy);
    perNode(
      'maskwatch_inference_node_headroom_frames_per_second',
      'Analysed frames per second the node could still take (negative: over capacity); new cameras go where it is largest.',
      (n) => n.headroomFps ?? 0,
    );
    perNode('maskwatch_inference_node_cpu_usage_ratio', "The node process's CPU use (1 = one core).", (n) => n.process.cpuPercent / 100);
    perNode('maskwatch_inference_node_resident_memory_bytes', "The node process's resident memory.", (n) => n.process.rssBytes);

    const onRemoved = (cameraId: string) => {
      this.#results.forget(cameraId);
      this.#firstResultMs.delete(cameraId);
      this.#resultsTotal.remove({ camera: cameraId });
      this.#captureToViewer.remove({ camera: cameraId });
    };
    this.#cameras.on('removed', onRemoved);
    this.#offs.push(() => this.#cameras.off('removed', onRemoved));
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  /** Starts the GPU sampler and the sampling timer. */
  async start(): Promise<void> {
    await this.#gpu.start();
    if (this.#closed) return;
    // The first CPU readings measure from start-up: take them now so the first sample covers one interval.
    this.#host.read();
    this.#timer = setInterval(() => void this.sampleNow(), this.intervalMs);
    this.#timer.unref();
  }

  /** The Prometheus text of every metric. */
  prometheus(): Promise<string> {
    return this.registry.metrics();
  }

  /** Where the socket.io connections are counted (the signalling server); its pushes are its own. */
  attachSockets(sockets: SocketsSource): void {
    this.#sockets = sockets;
    this.#offs.push(() => {
      if (this.#sockets === sockets) this.#sockets = null;
    });
  }

  attachResults(source: ResultsSource): void {
    const onResult = (result: FrameResult) => this.recordResult(result);
    source.on('results', onResult);
    this.#offs.push(() => source.off('results', onResult));
  }

  attachFirstResults(source: FirstResultsSource): void {
    const onFirst = (cameraId: string, ms: number) => this.recordFirstResult(cameraId, ms);
    source.on('firstResult', onFirst);
    this.#offs.push(() => source.off('firstResult', onFirst));
  }

  /** An analysis gave its first result `ms` after the camera went live. */
  recordFirstResult(cameraId: string, ms: number): void {
    if (this.#closed) return;
    this.#firstResultSeconds.observe(ms / 1000);
    this.#firstResultMs.set(cameraId, ms);
  }

  attachNodeStats(source: NodeStatsSource): void {
    this.#nodeStats = source;
    this.#offs.push(() => {
      if (this.#nodeStats === source) this.#nodeStats = null;
    });
  }

  /** Counts the alerts raised (reminders, resolutions and acknowledgements are changes of the same alert). */
  attachAlerts(source: AlertsSource): void {
    const onAlert = ({ change, alert }: AlertChangeEvent) => {
      if (change === 'raised') this.#alertsTotal.inc({ label: alert.label });
    };
    source.on('alert', onAlert);
    this.#offs.push(() => source.off('alert', onAlert));
  }

  /** One analysed frame's results (what `attachResults` feeds). */
  recordResult(result: FrameResult, now = Date.now()): void {
    if (this.#closed) return;
    const latencyMs = captureToViewerMs(result, now);
    this.#results.record(result, latencyMs, now);
    this.#resultsTotal.inc({ camera: result.cameraId });
    this.#captureToViewer.observe({ camera: result.cameraId }, latencyMs / 1000);
    const t = result.timings;
    const emit = t.emitMs !== undefined && t.totalMs !== undefined ? t.emitMs - t.totalMs : undefined;
    const durations: Record<(typeof STAGES)[number], number | undefined> = {
      decode: t.decodeMs,
      queue: t.queueMs,
      detect: t.detectMs,
      classify: t.classifyMs,
      track: t.trackMs,
      emit,
    };
    for (const stage of STAGES) {
      const ms = durations[stage];
      if (ms !== undefined && ms >= 0) this.#stageSeconds.observe({ stage }, ms / 1000);
    }
    for (const face of result.faces) this.#faceDetections.inc({ label: face.label });
  }

  /** Takes a sample now, keeps it and emits it; skipped while the previous one is still being taken. */
  async sampleNow(): Promise<MetricsSample | undefined> {
    if (this.#sampling || this.#closed) return undefined;
    this.#sampling = true;
    try {
      const sample = await this.#sample();
      if (this.#closed) return undefined;
      this.history.push(sample);
      this.safeEmit('sample', sample);
      return sample;
    } catch (error) {
      log.error({ err: error }, 'metrics sample failed');
      return undefined;
    } finally {
      this.#sampling = false;
    }
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    clearInterval(this.#timer);
    for (const off of this.#offs.splice(0)) off();
    this.#gpu.close();
    this.#mediaCounter.close();
    this.registry.clear();
    this.history.clear();
  }

  async #sample(): Promise<MetricsSample> {
    const at = Date.now();
    const host = this.#host.read();
    const gpu = this.#gpu.latest();
    const gpuMemoryOf = (pid: number) => gpu?.processes.get(pid) ?? null;
    const nodes = this.#nodeStats?.nodeStats() ?? new Map<string, NodeStats>();

    const processes: ProcessSample[] = [];
    const cpu = process.cpuUsage();
    processes.push({
      id: 'server',
      kind: 'server',
      cpu: this.#serverCpu.cores(cpu.user + cpu.system),
      rssBytes: process.memoryUsage.rss(),
      gpuMemoryBytes: gpuMemoryOf(process.pid),
    });
    const slots = this.#media.pool.slots();
    const workers = await Promise.all(
      slots.map(async ({ slot, worker }) => {
        const [usage, rss] = await Promise.all([worker.getResourceUsage().catch(() => null), readRss(worker.pid)]);
        let meter = this.#workerCpu.get(worker.pid);
        if (!meter) {
          meter = new CpuMeter();
          this.#workerCpu.set(worker.pid, meter);
        }
        return {
          id: `worker-${slot}`,
          kind: 'mediasoup-worker' as const,
          cpu: usage ? meter.cores((usage.ru_utime + usage.ru_stime) * 1000) : 0,
          rssBytes: rss,
          gpuMemoryBytes: gpuMemoryOf(worker.pid),
        };
      }),
    );
    processes.push(...workers);
    // Meters of replaced workers go with them.
    const livePids = new Set(slots.map(({ worker }) => worker.pid));
    for (const pid of this.#workerCpu.keys()) if (!livePids.has(pid)) this.#workerCpu.delete(pid);
    for (const [nodeId, node] of nodes) {
      processes.push({
        id: `node-${nodeId}`,
        kind: 'inference-node',
        cpu: node.process.cpuPercent / 100,
        rssBytes: node.process.rssBytes,
        gpuMemoryBytes: null,
      });
    }

    const byCamera = new Map<string, { nodeId: string; stats: CameraStats }>();
    for (const [nodeId, node] of nodes) for (const stats of node.cameras) byCamera.set(stats.cameraId, { nodeId, stats });
    const windows = this.#results.take(at);
    const facesInView = { mask: 0, no_mask: 0, incorrect: 0, undecided: 0 };
    const cameras: CameraSample[] = this.#cameras.views().map((view) => {
      const onNode = byCamera.get(view.id);
      const window: CameraWindow | undefined = windows.get(view.id);
      if (window) for (const label of FACE_LABELS_IN_VIEW) facesInView[label] += window.labels[label];
      const dropped = onNode ? Object.values(onNode.stats.dropped).reduce((sum, n) => sum + n, 0) : null;
      return {
        cameraId: view.id,
        name: view.name,
        status: view.status,
        analysis: view.analysis.status,
        nodeId: onNode?.nodeId ?? view.analysis.nodeId,
        inputFps: onNode ? onNode.stats.inputFps : null,
        analysedFps: onNode ? onNode.stats.analysedFps : null,
        resultsFps: window?.resultsFps ?? 0,
        dropped,
        droppedByReason: onNode ? { ...onNode.stats.dropped } : {},
        latencyP50Ms: window?.latencyP50Ms ?? null,
        latencyP95Ms: window?.latencyP95Ms ?? null,
        faces: window?.faces ?? null,
        firstResultMs: this.#firstResultMs.get(view.id) ?? null,
      };
    });

    const sockets = this.#sockets?.connectionsByRole() ?? NO_SOCKETS;
    return {
      at,
      host,
      processes,
      gpus: (gpu?.gpus ?? []).map((g) => ({ ...g })),
      cameras,
      inference: {
        framesPerSecond: [...nodes.values()].reduce((sum, node) => sum + node.framesPerSecond, 0),
        nodes: [...nodes].map(([nodeId, node]) => ({
          nodeId,
          framesPerSecond: node.framesPerSecond,
          busy: node.busy,
          cameras: node.cameras.length,
          headroomFps: node.headroomFps ?? null,
        })),
      },
      media: {
        sockets,
        producers: this.#mediaCounter.total('producers'),
        consumers: this.#mediaCounter.total('consumers'),
      },
      facesInView,
    };
  }
}

const NO_SOCKETS = { camera: 0, viewer: 0 } as const;

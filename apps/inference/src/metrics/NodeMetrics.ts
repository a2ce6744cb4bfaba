import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import { metricsAccess } from '@maskwatch/common/http/metricsAccess';
import { createProcessRegistry, STAGE_SECONDS_BUCKETS, stateGauge } from '@maskwatch/common/metrics/metricShapes';
import { createLogger } from '@maskwatch/common/logger';
import { CpuMeter } from '@maskwatch/common/system/CpuMeter';
import { GpuSampler } from '@maskwatch/common/system/GpuSampler';
import type { FrameTimings, MaskLabel } from '@maskwatch/protocol/faces';
import { DECODER_STATUSES, type CameraStats, type DecoderStatus, type NodeStats } from '@maskwatch/protocol/inference';
import { RateWindow } from './RateWindow.ts';

const log = createLogger('NodeMetrics');

export type NodeMetricsOptions = {
  /** This node's id (the `node` label of `maskwatch_inference_node_info`). */
  nodeId: string;
  /** The window over which fps and busy are measured (default 5 s). */
  windowMs?: number;
  /** nvidia-smi sampler; default: one of its own (no GPU figures where nvidia-smi is absent). */
  gpu?: GpuSampler;
};

/** Why a frame was not analysed. `stale`: a newer frame replaced it before the worker was free. */
export type DropReason = 'stale' | 'decode_error' | 'invalid' | (string & {});

/** The stages of `maskwatch_inference_stage_seconds`, from FrameTimings. */
const STAGES = { decode: 'decodeMs', queue: 'queueMs', detect: 'detectMs', classify: 'classifyMs', track: 'trackMs', total: 'totalMs' } as const;

type CameraCounters = {
  status: DecoderStatus;
  decoded: RateWindow;
  analysed: RateWindow;
  dropped: Map<string, number>;
  decoderRestarts: number;
};

/**
 * An inference node's metrics: the figures the node reports (`stats()` is its `node:stats`) and its own Prometheus
 * endpoint (`serve()`), from one set of counters so the two always agree. The node calls it as frames go:
 *
 *   metrics.cameraStatus(cameraId, 'starting');   // assigned; 'running' once frames decode, 'stalled' if they stop
 *   metrics.frameDecoded(cameraId);               // every decoded frame (before sampling)
 *   metrics.frameDropped(cameraId, 'stale');      // a frame that will not be analysed
 *   metrics.frameAnalysed(cameraId, timings);     // every analysed frame, with its FrameTimings (ms)
 *   metrics.faces(label, n);                      // faces found per label in that frame
 *   metrics.decoderRestarted(cameraId);
 *   metrics.packetsRejected(cameraId, n);         // packets on its decoder port that failed SRTP authentication
 *   metrics.cameraReleased(cameraId);             // released: its series go
 *   socket.emit('node:stats', metrics.stats());   // every few seconds
 *   await metrics.serve(host, port);  ...  await metrics.close();
 *
 * Labels are bounded: camera ids (as many as the node holds), stages, labels and drop reasons; never track ids.
 */
export class NodeMetrics {
  readonly registry: Registry;
  readonly nodeId: string;
  readonly #windowMs: number;
  readonly #gpu: GpuSampler;
  readonly #cameras = new Map<string, CameraCounters>();
  readonly #busy: RateWindow;
  readonly #analysedAll: RateWindow;
  readonly #cpu = new CpuMeter();
  #server: Server | null = null;
  #closed = false;

  readonly #decodedTotal: Counter<'camera'>;
  readonly #analysedTotal: Counter<'camera'>;
  readonly #droppedTotal: Counter<'camera' | 'reason'>;
  readonly #restartsTotal: Counter<'camera'>;
  readonly #rejectedTotal: Counter<'camera'>;
  readonly #stageSeconds: Histogram<'stage'>;
  readonly #facesTotal: Counter<'label'>;
  readonly #detectedTotal: Counter<'camera' | 'mode'>;
  readonly #classificationsTotal: Counter<'result'>;

  constructor(options: NodeMetricsOptions) {
    this.nodeId = options.nodeId;
    this.#windowMs = options.windowMs ?? 5000;
    this.#gpu = options.gpu ?? new GpuSampler();
    this.#busy = new RateWindow(this.#windowMs);
    this.#analysedAll = new RateWindow(this.#windowMs);
    this.registry = createProcessRegistry(this.#gpu);
    const registers = [this.registry];

    const nodeId = this.nodeId;
    new Gauge({
      name: 'maskwatch_inference_node_info',
      help: 'This inference node (value 1), with its id.',
      labelNames: ['node'],
      registers,
      collect() {
        this.set({ node: nodeId }, 1);
      },
    });
    this.#decodedTotal = new Counter({
      name: 'maskwatch_inference_frames_decoded_total',
      help: "Frames decoded from the camera's stream (before sampling to the analysis rate).",
      labelNames: ['camera'],
      registers,
    });
    this.#analysedTotal = new Counter({
      name: 'maskwatch_inference_frames_analysed_total',
      help: 'Frames analysed (faces detected, classified, tracked).',
      labelNames: ['camera'],
      registers,
    });
    this.#droppedTotal = new Counter({
      name: 'maskwatch_inference_frames_dropped_total',
      help: 'Frames not analysed, by reason (stale: a newer frame replaced it before the worker was free).',
      labelNames: ['camera', 'reason'],
      registers,
    });
    this.#restartsTotal = new Counter({
      name: 'maskwatch_inference_decoder_restarts_total',
      help: "Restarts of the camera's decoder.",
      labelNames: ['camera'],
      registers,
    });
    this.#rejectedTotal = new Counter({
      name: 'maskwatch_inference_rtp_rejected_packets_total',
      help: "Packets on the camera's decoder port dropped for failing SRTP authentication (forged, or damaged on the way).",
      labelNames: ['camera'],
      registers,
    });
    this.#stageSeconds = new Histogram({
      name: 'maskwatch_inference_stage_seconds',
      help: 'Time per analysed frame: decode (capture to decoded), queue, detect, classify, track, and total (capture to result sent).',
      labelNames: ['stage'],
      buckets: STAGE_SECONDS_BUCKETS,
      registers,
    });
    this.#facesTotal = new Counter({
      name: 'maskwatch_inference_faces_total',
      help: "Faces in analysed frames, by the frame's label.",
      labelNames: ['label'],
      registers,
    });

    this.#detectedTotal = new Counter({
      name: 'maskwatch_inference_frames_detected_total',
      help: 'Analysed frames by how the detector looked at them: full (the whole frame), region (around recent faces and motion, full resolution), skipped (nothing moved, no face lately).',
      labelNames: ['camera', 'mode'],
      registers,
    });
    this.#classificationsTotal = new Counter({
      name: 'maskwatch_inference_face_classifications_total',
      help: 'Faces of analysed frames by classification: new (the classifier ran), reused (a steady, confidently classified face kept its recent classification).',
      labelNames: ['result'],
      registers,
    });

    const cameras = this.#cameras;
    const registry = this.registry;
    const perCamera = (name: string, help: string, value: (c: CameraCounters) => number) =>
      stateGauge({ name, help, labelNames: ['camera'], registry, read: () => [...cameras].map(([camera, c]) => [{ camera }, value(c)]) });
    perCamera('maskwatch_inference_input_frames_per_second', 'Frames decoded per second over the last window.', (c) => c.decoded.perSecond());
    perCamera('maskwatch_inference_analysed_frames_per_second', 'Frames analysed per second over the last window.', (c) => c.analysed.perSecond());
    new Gauge({
      name: 'maskwatch_inference_camera_status',
      help: "The decoder's state per camera (1 for the current one of starting, running, stalled).",
      labelNames: ['camera', 'status'],
      registers,
      collect() {
        this.reset();
        for (const [camera, c] of cameras) for (const status of DECODER_STATUSES) this.set({ camera, status }, c.status === status ? 1 : 0);
      },
    });
    new Gauge({
      name: 'maskwatch_inference_cameras',
      help: 'Cameras assigned to this node.',
      registers,
      collect() {
        this.set(cameras.size);
      },
    });
    const busy = this.#busy;
    new Gauge({
      name: 'maskwatch_inference_busy_ratio',
      help: 'Share of the last window the analysis worker spent detecting, classifying and tracking, 0..1.',
      registers,
      collect() {
        this.set(Math.min(1, busy.weightPerMs()));
      },
    });
  }

  /** Starts the GPU sampler. */
  async start(): Promise<void> {
    await this.#gpu.start();
  }

  frameDecoded(cameraId: string): void {
    this.#camera(cameraId).decoded.add();
    this.#decodedTotal.inc({ camera: cameraId });
  }

  frameAnalysed(cameraId: string, timings: FrameTimings): void {
    this.#camera(cameraId).analysed.add();
    this.#analysedAll.add();
    this.#analysedTotal.inc({ camera: cameraId });
    for (const [stage, key] of Object.entries(STAGES)) {
      const ms = timings[key];
      if (ms !== undefined && Number.isFinite(ms) && ms >= 0) this.#stageSeconds.observe({ stage }, ms / 1000);
    }
    this.#busy.add((timings.detectMs ?? 0) + (timings.classifyMs ?? 0) + (timings.trackMs ?? 0));
  }

  /** How the detector looked at an analysed frame, and how its faces were classified. */
  frameDetected(cameraId: string, mode: 'full' | 'region' | 'skipped', faces: { classified: number; reused: number }): void {
    this.#camera(cameraId);
    this.#detectedTotal.inc({ camera: cameraId, mode });
    if (faces.classified > 0) this.#classificationsTotal.inc({ result: 'new' }, faces.classified);
    if (faces.reused > 0) this.#classificationsTotal.inc({ result: 'reused' }, faces.reused);
  }

  frameDropped(cameraId: string, reason: DropReason): void {
    const key = reason.slice(0, 32);
    const dropped = this.#camera(cameraId).dropped;
    dropped.set(key, (dropped.get(key) ?? 0) + 1);
    this.#droppedTotal.inc({ camera: cameraId, reason: key });
  }

  faces(label: MaskLabel, n: number): void {
    if (n > 0) this.#facesTotal.inc({ label }, n);
  }

  packetsRejected(cameraId: string, packets: number): void {
    if (packets > 0 && this.#cameras.has(cameraId)) this.#rejectedTotal.inc({ camera: cameraId }, packets);
  }

  cameraStatus(cameraId: string, status: DecoderStatus): void {
    this.#camera(cameraId).status = status;
  }

  decoderRestarted(cameraId: string): void {
    this.#camera(cameraId).decoderRestarts++;
    this.#restartsTotal.inc({ camera: cameraId });
  }

  /** The camera left this node: its counters and series go (a later assignment starts from zero). */
  cameraReleased(cameraId: string): void {
    const counters = this.#cameras.get(cameraId);
    if (!counters) return;
    this.#cameras.delete(cameraId);
    this.#decodedTotal.remove({ camera: cameraId });
    this.#analysedTotal.remove({ camera: cameraId });
    this.#restartsTotal.remove({ camera: cameraId });
    for (const mode of ['full', 'region', 'skipped']) this.#detectedTotal.remove({ camera: cameraId, mode });
    this.#rejectedTotal.remove({ camera: cameraId });
    for (const reason of counters.dropped.keys()) this.#droppedTotal.remove({ camera: cameraId, reason });
  }

  /** This node's `node:stats`: per-camera rates and counters, throughput, worker busy share, process CPU and memory. */
  stats(): NodeStats {
    const cameras: CameraStats[] = [...this.#cameras].slice(0, 256).map(([cameraId, c]) => ({
      cameraId,
      status: c.status,
      inputFps: c.decoded.perSecond(),
      analysedFps: c.analysed.perSecond(),
      dropped: Object.fromEntries(c.dropped),
      decoderRestarts: c.decoderRestarts,
    }));
    const cpu = process.cpuUsage();
    return {
      at: Date.now(),
      cameras,
      framesPerSecond: this.#analysedAll.perSecond(),
      busy: Math.min(1, this.#busy.weightPerMs()),
      process: { cpuPercent: this.#cpu.cores(cpu.user + cpu.system) * 100, rssBytes: process.memoryUsage.rss() },
    };
  }

  /** The Prometheus text of every metric. */
  prometheus(): Promise<string> {
    return this.registry.metrics();
  }

  /**
   * Serves `GET /metrics` on `host:port` (port 0: a free one); resolves with the bound port. Loopback clients
   * always, others with `Authorization: Bearer <token>` when a token is given.
   */
  async serve(host: string, port: number, options: { token?: string } = {}): Promise<{ port: number; url: string }> {
    if (this.#closed) throw new Error('NodeMetrics is closed');
    if (this.#server) throw new Error('NodeMetrics already serves');
    const server = createServer((req, res) => {
      const path = (req.url ?? '/').split('?')[0];
      if (path !== '/metrics') {
        res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('not found; metrics are at /metrics\n');
        return;
      }
      const access = metricsAccess(req, options.token);
      if (access !== 'allowed') {
        res.writeHead(access === 'token_required' ? 401 : 403, { 'content-type': 'text/plain; charset=utf-8' });
        res.end(access === 'token_required' ? 'bearer token required\n' : 'metrics are served to this machine only\n');
        return;
      }
      this.prometheus().then(
        (body) => {
          res.writeHead(200, { 'content-type': this.registry.contentType, 'cache-control': 'no-store' });
          res.end(req.method === 'HEAD' ? undefined : body);
        },
        (error: unknown) => {
          log.error({ err: error }, 'metrics failed');
          res.writeHead(500).end();
        },
      );
    });
    server.requestTimeout = 10_000;
    this.#server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    const bound = (server.address() as AddressInfo).port;
    const shown = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host;
    return { port: bound, url: `http://${shown.includes(':') ? `[${shown}]` : shown}:${bound}/metrics` };
  }

  /** Stops serving and sampling; safe to call twice. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#gpu.close();
    const server = this.#server;
    this.#server = null;
    if (server) {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    }
    this.registry.clear();
  }

  #camera(cameraId: string): CameraCounters {
    let counters = this.#cameras.get(cameraId);
    if (!counters) {
      counters = {
        status: 'starting',
        decoded: new RateWindow(this.#windowMs),
        analysed: new RateWindow(this.#windowMs),
        dropped: new Map(),
        decoderRestarts: 0,
      };
      this.#cameras.set(cameraId, counters);
    }
    return counters;
  }
}

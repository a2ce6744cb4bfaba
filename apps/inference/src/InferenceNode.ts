import { cpuUsage, memoryUsage } from 'node:process';
import { createLogger } from '@maskwatch/common/logger';
import { MaskwatchError } from '@maskwatch/protocol/errors';
import { MASK_LABELS } from '@maskwatch/protocol/faces';
import type { NodeCapacity, ServerToNodeRequestOf, ServerToNodeResponseOf } from '@maskwatch/protocol/inference';
import { renderSnapshot } from '@maskwatch/vision/snapshot/renderSnapshot';
import { AnalysisWorker } from './analyse/AnalysisWorker.ts';
import { FrameScheduler } from './analyse/FrameScheduler.ts';
import { headroom } from './analyse/headroom.ts';
import type { NodeConfig } from './config/NodeConfig.ts';
import { allocatePorts } from '@maskwatch/ffmpeg/allocatePorts';
import { SpareSpawner } from '@maskwatch/ffmpeg/SpareSpawner';
import { CameraDecoder, decoderCommandLine } from './decode/CameraDecoder.ts';
import { chooseAcceleration, probeCuda, type DecoderAcceleration } from './decode/hwaccel.ts';
import { ServerLink } from './link/ServerLink.ts';
import { NodeMetrics } from './metrics/NodeMetrics.ts';
import { CameraSession } from './session/CameraSession.ts';
import { trackerOptions } from '@maskwatch/vision/track/trackerOptions';

const log = createLogger('InferenceNode');

/** NVDEC for the decoders where the setting asks for it and a CUDA device opens; one warning where it cannot. */
async function decoderAccelerationFor(config: NodeConfig): Promise<DecoderAcceleration> {
  if (config.decoderHwaccel === 'none') return 'none';
  const probe = await probeCuda(config.ffmpegPath);
  const { acceleration, warning } = chooseAcceleration(config.decoderHwaccel, probe);
  if (warning) log.warn({ reason: probe.ok ? undefined : probe.reason }, warning);
  else log.info({ decoders: acceleration === 'cuda' ? 'NVDEC (H.264)' : 'CPU' }, 'decoder acceleration');
  return acceleration;
}

export type RunningNode = {
  nodeId: string;
  capacity: NodeCapacity;
  /** Cameras this node analyses now. */
  cameras(): string[];
  /** The node's metrics; `metricsUrl` is its `GET /metrics` when it serves one. */
  metrics: NodeMetrics;
  metricsUrl: string | null;
  /** Closes everything it opened; safe to call twice. */
  close(): Promise<void>;
};

const STATS_PERIOD_MS = 2000;

/** Key frame requests for one camera, at most one per this period. */
const KEYFRAME_MIN_INTERVAL_MS = 500;
const VERSION = '0.1.0';

/**
 * Starts an inference node: the analysis worker (ONNX models, off this thread), the link to the server, and one
 * CameraSession (decoder, tracker) per camera the server assigns. Everything it opens, `close()` closes.
 */
export async function createInferenceNode(config: NodeConfig): Promise<RunningNode> {
  const worker = await AnalysisWorker.create({
    detector: config.detector,
    classifier: config.classifier,
    // Weak detections (0.3..0.6) continue tracks through a turned or blurred face; alone they are not shown. A
    // full-frame pass scales large frames down to detectorInput and looks for minFace faces over tiles too.
    detectorOptions: { maxInputSide: config.detectorInput, scoreThreshold: 0.3, minFaceSide: config.minFace },
    planner: {
      fullFrameMs: config.fullFrameMs,
      motion: config.motion,
      reclassifyEvery: config.reclassifyEvery,
    },
    ...(config.faceShape ? { batch: { faceShape: config.faceShape } } : {}),
    session: {
      executionProvider: config.executionProvider,
      intraOpThreads: config.threads,
    },
  });
  const capacity: NodeCapacity = {
    executionProvider: worker.info.executionProvider,
    maxCameras: config.maxCameras,
    fps: config.fps,
    frameMaxSide: config.maxSide,
    detector: worker.info.detector,
    classifier: worker.info.classifier,
    classifierSha256: worker.info.classifierSha256,
  };
  if (config.executionProvider === 'cuda' && worker.info.executionProvider !== 'cuda') {
    log.warn('MASKWATCH_EXECUTION_PROVIDER=cuda, but CUDA cannot be loaded here: the models run on the CPU');
  }
  const decoderAcceleration = await decoderAccelerationFor(config);
  // The track vote takes the classifier's τ and r, so that live labels and alerts agree with `detect`.
  const tracking = { ...config.tracker, ...trackerOptions(worker.info.classifierRule) };
  log.info({ nodeId: config.nodeId, capacity, rule: worker.info.classifierRule }, 'models loaded');
  const metrics = new NodeMetrics({ nodeId: config.nodeId });
  await metrics.start();
  let metricsUrl: string | null = null;
  if (config.metrics) {
    // Analysis does not depend on its metrics endpoint: a port in use (a second node on this machine) is logged.
    metricsUrl = await metrics
      .serve(config.metrics.host, config.metrics.port, { token: config.metrics.token })
      .then(({ url }) => url)
      .catch((error: unknown) => {
        log.warn({ err: error, port: config.metrics?.port }, 'no metrics endpoint (set MASKWATCH_NODE_METRICS_PORT)');
        return null;
      });
  }
  const scheduler = new FrameScheduler(worker, { maxBatch: config.maxBatch });
  // One decoder started ahead, waiting for its SDP: a new camera's ffmpeg is then running when it is assigned.
  // Primed with a browser camera's (VP8); it follows the command line of the decoder started last.
  const spares = new SpareSpawner();
  const primed = decoderCommandLine({ ffmpegPath: config.ffmpegPath, maxSide: config.maxSide, fps: config.fps, codec: 'video/VP8', acceleration: decoderAcceleration });
  spares.prime(primed.command, primed.args);
  const sessions = new Map<string, CameraSession>();
  const lastKeyFrame = new Map<string, number>();
  const usedPorts = new Set<number>();

  const release = (cameraId: string): void => {
    const session = sessions.get(cameraId);
    if (!session) return;
    sessions.delete(cameraId);
    usedPorts.delete(session.decoder.rtpPort);
    scheduler.forget(cameraId);
    worker.forget(cameraId);
    session.close();
    metrics.cameraReleased(cameraId);
    log.info({ cameraId }, 'camera released');
  };

  const askKeyFrame = (cameraId: string): void => {
    const now = Date.now();
    if (now - (lastKeyFrame.get(cameraId) ?? 0) < KEYFRAME_MIN_INTERVAL_MS) return;
    lastKeyFrame.set(cameraId, now);
    link.request('node:keyframe', { cameraId }).catch((error: unknown) => log.debug({ err: error, cameraId }, 'key frame request failed'));
  };

  const assign = async ({
    cameraId,
    name,
    stream,
    srtp,
  }: ServerToNodeRequestOf<'camera:assign'>): Promise<ServerToNodeResponseOf<'camera:assign'>> => {
    // The server re-assigns a camera whose producer changed: start that camera afresh.
    release(cameraId);
    if (sessions.size >= config.maxCameras) {
      throw new MaskwatchError('unavailable', `node ${config.nodeId} is full (${config.maxCameras} cameras)`);
    }
    const rtpPort = await allocatePorts(config.rtpHost, config.rtpPorts, usedPorts);
    if (sessions.has(cameraId)) {
      usedPorts.delete(rtpPort);
      throw new MaskwatchError('conflict', `camera ${cameraId} was assigned twice at once`);
    }
    const decoder = new CameraDecoder({
      cameraId,
      stream,
      host: config.rtpHost,
      rtpPort,
      srtp,
      fps: config.fps,
      maxSide: config.maxSide,
      acceleration: decoderAcceleration,
      ffmpegPath: config.ffmpegPath,
      spawner: spares.spawn,
    });
    const session = new CameraSession(cameraId, decoder, tracking);
    sessions.set(cameraId, session);
    decoder.on('frame', (frame) => scheduler.offer(cameraId, frame));
    decoder.on('input', () => metrics.frameDecoded(cameraId));
    metrics.cameraStatus(cameraId, decoder.status);
    let restarts = 0;
    decoder.on('keyframe', () => askKeyFrame(cameraId));
    decoder.on('rejected', (packets) => metrics.packetsRejected(cameraId, packets));
    decoder.on('status', (status, detail) => {
      metrics.cameraStatus(cameraId, status);
      for (; restarts < decoder.restarts; restarts++) metrics.decoderRestarted(cameraId);
      link.request('node:status', { cameraId, status, detail: detail?.slice(0, 300) ?? null }).catch(() => undefined);
    });
    decoder.start();
    // Answer only once ffmpeg listens: the server resumes the consumer on our answer, and the key frame sent then
    // is the only one a browser camera sends unless asked again (it was lost: 10 s without a picture at every start).
    const listening = await decoder.listening();
    if (sessions.get(cameraId) !== session) throw new MaskwatchError('conflict', `camera ${cameraId} was released while starting`);
    if (listening === false) log.warn({ cameraId, rtpPort }, 'decoder not listening yet; answering anyway');
    log.info({ cameraId, name, codec: stream.mimeType, rtpPort }, 'camera assigned');
    return { rtpPort, rtcpPort: rtpPort + 1 };
  };

  const link = new ServerLink({
    url: config.serverUrl,
    secret: config.secret,
    nodeId: config.nodeId,
    ...(config.serverCa ? { ca: config.serverCa } : {}),
    hello: () => ({ name: config.name, capacity, rtpHost: config.rtpHost, version: VERSION }),
    handlers: {
      'camera:assign': assign,
      'camera:release': ({ cameraId }) => {
        release(cameraId);
        return {};
      },
      'camera:snapshot': async ({ cameraId, seq, box, blur, trackId }) => {
        const held = sessions.get(cameraId)?.snapshotFrame(seq, trackId);
        if (!held) throw new MaskwatchError('not_found', `frame ${seq} of camera ${cameraId} is no longer held`);
        const snapshot = await renderSnapshot(held.frame, held.box ?? box, held.blur ?? blur);
        return { ...snapshot, jpeg: new Uint8Array(snapshot.jpeg), thumbnail: new Uint8Array(snapshot.thumbnail) };
      },
    },
  });
  // The server dropped this node's cameras when the connection went: so does the node. It assigns them again.
  link.on('lost', () => {
    for (const cameraId of [...sessions.keys()]) release(cameraId);
  });

  scheduler.on('analysed', (analysed) => {
    const session = sessions.get(analysed.cameraId);
    if (!session) return;
    const result = session.result(analysed, (ms) => link.toServerTime(ms));
    link.sendResult(result);
    metrics.frameAnalysed(result.cameraId, result.timings);
    metrics.frameDetected(result.cameraId, analysed.analysis.mode, analysed.analysis);
    for (const label of MASK_LABELS) metrics.faces(label, result.faces.filter((face) => face.label === label).length);
  });
  scheduler.on('dropped', (cameraId, reason) => {
    sessions.get(cameraId)?.dropped(reason);
    metrics.frameDropped(cameraId, reason);
  });

  let lastStatsAt = Date.now();
  let lastCpu = cpuUsage();
  let analysedSince = 0;
  scheduler.on('analysed', () => analysedSince++);
  const statsTimer = setInterval(() => {
    if (!link.ready) return;
    const now = Date.now();
    const period = now - lastStatsAt;
    const cpu = cpuUsage(lastCpu);
    lastCpu = cpuUsage();
    lastStatsAt = now;
    const framesPerSecond = (analysedSince * 1000) / Math.max(1, period);
    analysedSince = 0;
    const busy = Math.min(1, worker.takeBusyMs() / Math.max(1, period));
    const cameras = [...sessions.values()].map((session) => session.takeStats(period));
    link
      .request('node:stats', {
        at: now,
        cameras,
        framesPerSecond,
        busy,
        ...headroom({ framesPerSecond, busy, cameras, fps: config.fps, freeSlots: config.maxCameras - sessions.size }),
        process: {
          cpuPercent: ((cpu.user + cpu.system) / 1000 / Math.max(1, period)) * 100,
          rssBytes: memoryUsage.rss(),
        },
      })
      .catch((error: unknown) => log.debug({ err: error }, 'stats not delivered'));
  }, STATS_PERIOD_MS);

  let closing: Promise<void> | undefined;
  return {
    nodeId: config.nodeId,
    capacity,
    cameras: () => [...sessions.keys()],
    metrics,
    metricsUrl,
    close: () =>
      (closing ??= (async () => {
        clearInterval(statsTimer);
        link.close();
        for (const cameraId of [...sessions.keys()]) release(cameraId);
        spares.close();
        scheduler.close();
        await worker.close();
        await metrics.close();
      })()),
  };
}

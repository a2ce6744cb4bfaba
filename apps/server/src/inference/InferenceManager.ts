import { secretsMatch } from '@maskwatch/common/inferenceSecret';
import type { AnalysisState, CameraView } from '@maskwatch/protocol/camera';
import { MaskwatchError, type ErrorBody } from '@maskwatch/protocol/errors';
import type { Box, FrameResult } from '@maskwatch/protocol/faces';
import {
  INFERENCE_PROTOCOL_VERSION,
  InferenceHandshakeAuthSchema,
  NodeResultSchema,
  type NodeStats,
  type Stream,
  type ServerToNodeResponseOf,
} from '@maskwatch/protocol/inference';
import type { CameraService } from '../cameras/CameraService.ts';
import { EnhancedEmitter } from '../EnhancedEmitter.ts';
import { createLogger } from '../logger.ts';
import type { MediaService } from '../media/MediaService.ts';
import { analysisHealth, nodeSilence } from './analysisHealth.ts';
import { CameraAnalysis } from './CameraAnalysis.ts';
import { NodeLink, type InferenceNamespace, type NodeSocket } from './NodeLink.ts';
import { Placement, type PlacementNode } from './Placement.ts';
import { registerNodeHandlers } from './registerNodeHandlers.ts';

const log = createLogger('InferenceManager');

/** Which node and model produced a result (every alert says which model made it). */
export type ResultSource = { nodeId: string; classifier: string; classifierSha256: string };

export type InferenceManagerEvents = {
  /** One analysed frame, checked (the camera is assigned to the node that sent it), stamped with `emitMs`. */
  results: [result: FrameResult, source: ResultSource];
  /**
   * The first result of an analysis, `ms` after it was wanted (the camera went live, analysis was switched on, or
   * the analysis was started again): what a person waits for before the first box or alert.
   */
  firstResult: [cameraId: string, ms: number];
};

export type InferenceManagerOptions = {
  namespace: InferenceNamespace;
  cameras: CameraService;
  media: MediaService;
  secret: string;
  /** Address the analysis transports listen on (nodes on other machines must reach it). */
  listenIp: string;
  /** Simulcast producers: which layer nodes get. */
  layer?: 'lowest' | 'highest';
  /** Layered cameras: the temporal layer the node gets decodes at least the analysed rate times this (1.2). */
  layerMargin?: number;
  /** A running camera without results for this long is `stalled`. */
  stallMs?: number;
  /** A starting camera without a first result for this long is `stalled` (it keeps waiting). */
  startTimeoutMs?: number;
  /**
   * How long a node may take to answer an assignment. It answers once its decoder's ffmpeg listens, which takes
   * seconds on a loaded node; giving up sooner starts another decoder on the same busy node, again and again.
   */
  assignTimeoutMs?: number;
  /**
   * A camera without any result for this long (none since its start or since the last) is started again from
   * scratch: a new transport, and on the node a new decoder on a new port. What a node cannot mend by restarting
   * its decoder (a port another socket took, a transport the node never hears) mends this way.
   */
  restartAfterMs?: number;
  /** A node silent for this long (no stats, no results) is dropped and its cameras move. */
  nodeTimeoutMs?: number;
  /** A node must say hello within this long after connecting. */
  helloTimeoutMs?: number;
  /** A node analysing less than its cameras want, with no headroom, for this long gives one camera to another node. */
  rebalanceAfterMs?: number;
  /** An analysis that could not start is tried again after this long. */
  retryMs?: number;
  /** How often nodes' and analyses' silences are looked at. */
  tickMs?: number;
};

type Timing = Required<
  Pick<
    InferenceManagerOptions,
    'stallMs' | 'startTimeoutMs' | 'assignTimeoutMs' | 'restartAfterMs' | 'nodeTimeoutMs' | 'helloTimeoutMs' | 'rebalanceAfterMs' | 'retryMs' | 'tickMs'
  >
>;

/** A handshake refusal; socket.io gives the client `err.message` and `err.data` in `connect_error`. */
class HandshakeError extends Error {
  readonly data: ErrorBody;
  constructor(data: ErrorBody) {
    super(data.message);
    this.data = data;
  }
}

/**
 * Live analysis, server side. Owns the inference nodes' links and the analysis consumers it creates: for each live,
 * enabled camera with analysis on, it picks the least loaded node, sends the camera's video there over plain RTP
 * (CameraAnalysis) and re-attaches when the producer changes or the media worker is replaced. A lost node's cameras
 * move to another node at once. Results from nodes are checked and emitted; pushing them is the signalling's job.
 */
export class InferenceManager extends EnhancedEmitter<InferenceManagerEvents> {
  readonly #options: InferenceManagerOptions;
  readonly #timing: Timing;
  readonly #nodes = new Map<string, NodeLink>();
  readonly #analyses = new Map<string, CameraAnalysis>();
  /** Per camera, the reconcile in progress (they run one after another). */
  readonly #queue = new Map<string, Promise<void>>();
  readonly #retryTimers = new Map<string, NodeJS.Timeout>();
  /** Cameras that were analysed once: a camera without a node is then `stalled`, not `starting`. */
  readonly #wasAnalysed = new Set<string>();
  /** Cameras wanting an analysis they do not have yet, since when (server clock). */
  readonly #wantedSince = new Map<string, number>();
  readonly #placement: Placement;
  /** Cameras being moved off a short node, and where to. */
  readonly #moveTo = new Map<string, string>();
  readonly #off: (() => void)[] = [];
  #ticker: NodeJS.Timeout | undefined;
  #closed = false;

  constructor(options: InferenceManagerOptions) {
    super();
    this.#options = options;
    this.#timing = {
      stallMs: options.stallMs ?? 5000,
      startTimeoutMs: options.startTimeoutMs ?? 20_000,
      assignTimeoutMs: options.assignTimeoutMs ?? 15_000,
      restartAfterMs: options.restartAfterMs ?? 30_000,
      nodeTimeoutMs: options.nodeTimeoutMs ?? 5000,
      helloTimeoutMs: options.helloTimeoutMs ?? 5000,
      rebalanceAfterMs: options.rebalanceAfterMs ?? 30_000,
      retryMs: options.retryMs ?? 2000,
      tickMs: options.tickMs ?? 1000,
    };
    this.#placement = new Placement({
      shortForMs: this.#timing.rebalanceAfterMs,
      moveCooldownMs: this.#timing.rebalanceAfterMs,
    });
  }

  start(): void {
    const { namespace, cameras, media } = this.#options;
    namespace.use((socket, next) => {
      const refusal = this.#checkHandshake(socket);
      if (refusal) {
        log.warn({ address: socket.handshake.address, code: refusal.code }, `inference node refused: ${refusal.message}`);
        next(new HandshakeError(refusal));
      } else next();
    });
    namespace.on('connection', (socket) => this.#onConnection(socket));
    const onState = (view: CameraView) => this.#schedule(view.id);
    const onRemoved = (cameraId: string) => this.#schedule(cameraId);
    const onRoomClose = () => {
      for (const cameraId of this.#analyses.keys()) this.#schedule(cameraId);
    };
    cameras.on('state', onState);
    cameras.on('removed', onRemoved);
    media.on('roomclose', onRoomClose);
    this.#off.push(
      () => cameras.off('state', onState),
      () => cameras.off('removed', onRemoved),
      () => media.off('roomclose', onRoomClose),
    );
    this.#ticker = setInterval(() => this.#tick(), this.#timing.tickMs);
    for (const camera of cameras.list()) this.#schedule(camera.id);
  }

  /** Connected nodes (after hello). */
  nodes(): NodeLink[] {
    return [...this.#nodes.values()];
  }

  /** The latest stats each node sent. */
  nodeStats(): Map<string, NodeStats> {
    const stats = new Map<string, NodeStats>();
    for (const node of this.#nodes.values()) if (node.stats) stats.set(node.id, node.stats);
    return stats;
  }

  /** The node a camera is analysed on now, if any. */
  nodeOf(cameraId: string): NodeLink | undefined {
    const analysis = this.#analyses.get(cameraId);
    return analysis && !analysis.closed ? analysis.node : undefined;
  }

  /** What the camera's analysis is made of now (diagnostics, tests). */
  analysisOf(
    cameraId: string,
  ): { nodeId: string; producerId: string; nodeRtp: { ip: string; port: number }; stream: Stream } | undefined {
    const analysis = this.#analyses.get(cameraId);
    if (!analysis || analysis.closed) return undefined;
    return { nodeId: analysis.node.id, producerId: analysis.producerId, nodeRtp: analysis.nodeRtp, stream: analysis.stream };
  }

  /** A JPEG of an analysed frame the camera's node still holds (`box` drawn, `blur` blurred) and a thumbnail. */
  async snapshot(
    cameraId: string,
    seq: number,
    box: Box,
    blur: Box[],
    trackId?: number,
  ): Promise<ServerToNodeResponseOf<'camera:snapshot'>> {
    const node = this.nodeOf(cameraId);
    if (!node) throw new MaskwatchError('unavailable', `camera ${cameraId} is not being analysed`);
    return node.request('camera:snapshot', { cameraId, seq, box, blur, ...(trackId !== undefined ? { trackId } : {}) });
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    clearInterval(this.#ticker);
    for (const timer of this.#retryTimers.values()) clearTimeout(timer);
    this.#retryTimers.clear();
    for (const off of this.#off) off();
    for (const analysis of this.#analyses.values()) analysis.close(true);
    this.#analyses.clear();
    for (const node of this.#nodes.values()) node.close('server closing');
    this.#nodes.clear();
    this.#options.namespace.disconnectSockets(true);
    this.removeAllListeners();
  }

  #checkHandshake(socket: NodeSocket): ErrorBody | undefined {
    const parsed = InferenceHandshakeAuthSchema.safeParse(socket.handshake.auth);
    if (!parsed.success) {
      return {
        code: 'bad_request',
        message: 'handshake auth must be { protocolVersion: number, secret: string, nodeId: string }',
      };
    }
    if (parsed.data.protocolVersion !== INFERENCE_PROTOCOL_VERSION) {
      return {
        code: 'unsupported_version',
        message: `inference protocol ${parsed.data.protocolVersion} is not supported; this server speaks ${INFERENCE_PROTOCOL_VERSION}`,
      };
    }
    if (!secretsMatch(parsed.data.secret, this.#options.secret)) {
      return { code: 'unauthorized', message: 'wrong inference secret' };
    }
    socket.data = { nodeId: parsed.data.nodeId };
    return undefined;
  }

  #onConnection(socket: NodeSocket): void {
    const { nodeId } = socket.data;
    let link: NodeLink | undefined;
    const helloTimer = setTimeout(() => {
      if (!link) socket.disconnect(true);
    }, this.#timing.helloTimeoutMs);
    socket.on('disconnect', () => clearTimeout(helloTimer));
    registerNodeHandlers(socket, {
      link: () => link,
      hello: (hello) => {
        if (link) throw new MaskwatchError('conflict', 'node:hello was sent already');
        if (this.#closed) throw new MaskwatchError('unavailable', 'server closing');
        const existing = this.#nodes.get(nodeId);
        // A node that restarted may be back before its old connection is noticed gone: the newest one wins.
        existing?.close('replaced by a new connection with the same node id', { reconnect: false });
        clearTimeout(helloTimer);
        link = new NodeLink(socket, { id: nodeId, ...hello });
        this.#addNode(link);
        return { nodeId, serverTime: Date.now() };
      },
      results: (payload) => this.#onResults(link, payload),
      keyframe: (cameraId) => this.#assigned(link, cameraId).requestKeyFrame(),
      status: (cameraId, status, detail) => {
        const analysis = this.#assigned(link, cameraId);
        if (status === 'stalled') this.#setAnalysis(cameraId, 'stalled', detail ?? 'the decoder stalled', analysis.node.id);
        else if (status === 'starting' && analysis.lastResultAt === undefined)
          this.#setAnalysis(cameraId, 'starting', detail ?? 'decoder starting', analysis.node.id);
      },
      stats: (stats) => {
        if (!link) return;
        link.stats = stats;
        if (stats.headroomFps !== undefined) {
          this.#placement.observe(
            link.id,
            { headroomFps: stats.headroomFps, wantedFps: stats.wantedFps ?? 0, analysedFps: stats.framesPerSecond },
            Date.now(),
          );
        }
        for (const camera of stats.cameras) {
          const analysis = this.#analyses.get(camera.cameraId);
          if (analysis?.node !== link) continue;
          if (camera.status === 'running') analysis.observeInput(camera.inputFps);
          // The admin page shows what is analysed: refresh its size, rate and layer.
          const record = this.#options.cameras.get(camera.cameraId);
          if (!record) continue;
          const { status, detail } = this.#options.cameras.view(record).analysis;
          this.#setAnalysis(camera.cameraId, status, detail, link.id);
        }
      },
      seen: () => {
        if (link) link.lastSeen = Date.now();
      },
    });
  }

  #addNode(link: NodeLink): void {
    this.#nodes.set(link.id, link);
    log.info(
      { nodeId: link.id, name: link.info.name, capacity: link.info.capacity, rtpHost: link.info.rtpHost },
      'inference node joined',
    );
    link.on('close', (reason) => {
      if (this.#nodes.get(link.id) === link) {
        this.#nodes.delete(link.id);
        this.#placement.forget(link.id);
      }
      for (const cameraId of [...link.cameras]) {
        const analysis = this.#analyses.get(cameraId);
        if (analysis?.node !== link) continue;
        this.#analyses.delete(cameraId);
        analysis.close(false);
        this.#setAnalysis(cameraId, 'stalled', `inference node ${link.info.name} lost (${reason})`, null);
      }
      link.cameras.clear();
      if (this.#closed) return;
      for (const cameraId of this.#wantedWithoutAnalysis()) this.#schedule(cameraId);
    });
    // A new node: the cameras without analysis try at once, those waiting after a failed start included.
    for (const cameraId of this.#wantedWithoutAnalysis()) {
      clearTimeout(this.#retryTimers.get(cameraId));
      this.#retryTimers.delete(cameraId);
      this.#schedule(cameraId);
    }
  }

  #wantedWithoutAnalysis(): string[] {
    return this.#options.cameras
      .list()
      .filter((camera) => !this.#analyses.has(camera.id))
      .map((camera) => camera.id);
  }

  /** The analysis of `cameraId` if it is on `link`'s node; a node may only speak of the cameras it was given. */
  #assigned(link: NodeLink | undefined, cameraId: string): CameraAnalysis {
    if (!link) throw new MaskwatchError('bad_request', 'send node:hello first');
    const analysis = this.#analyses.get(cameraId);
    if (!analysis || analysis.node !== link) {
      throw new MaskwatchError('forbidden', `camera ${cameraId} is not assigned to node ${link.id}`);
    }
    return analysis;
  }

  #onResults(link: NodeLink | undefined, payload: unknown): void {
    const parsed = NodeResultSchema.safeParse(payload);
    if (!parsed.success) throw MaskwatchError.fromZod(parsed.error, 'node:results payload');
    const result = parsed.data;
    const analysis = this.#assigned(link, result.cameraId);
    const now = Date.now();
    if (analysis.lastResultAt === undefined) {
      const ms = now - analysis.wantedAt;
      log.info({ cameraId: result.cameraId, nodeId: analysis.node.id, ms }, 'first result');
      this.safeEmit('firstResult', result.cameraId, ms);
    }
    analysis.resultArrived(now);
    this.#wasAnalysed.add(result.cameraId);
    this.#setAnalysis(result.cameraId, 'running', null, analysis.node.id);
    const node = analysis.node;
    const out: FrameResult = {
      ...result,
      nodeId: node.id,
      timings: { ...result.timings, emitMs: Math.max(0, now - result.ts) },
    };
    this.safeEmit('results', out, {
      nodeId: node.id,
      classifier: node.info.capacity.classifier,
      classifierSha256: node.info.capacity.classifierSha256,
    });
  }

  #tick(): void {
    const now = Date.now();
    for (const node of this.#nodes.values()) {
      const silence = nodeSilence(node.lastSeen, now, this.#timing.nodeTimeoutMs);
      if (silence) node.close(silence);
    }
    for (const move of this.#placement.moves(this.#placementNodes(), now)) {
      log.warn(move, 'inference node short of capacity: moving a camera to a node with headroom');
      this.#moveTo.set(move.cameraId, move.to);
      this.#stop(move.cameraId);
      this.#setAnalysis(move.cameraId, 'starting', 'moving to an inference node with headroom', null);
      this.#schedule(move.cameraId);
    }
    for (const analysis of this.#analyses.values()) {
      const { cameraId } = analysis;
      const health = analysisHealth(analysis.startedAt, analysis.lastResultAt, now, this.#timing, analysis.resultGapMs);
      if (health.verdict === 'restart') {
        log.warn({ cameraId, nodeId: analysis.node.id }, health.detail);
        this.#stop(cameraId);
        this.#setAnalysis(cameraId, 'stalled', health.detail, null);
        this.#schedule(cameraId);
      } else if (health.verdict === 'stalled') {
        this.#setAnalysis(cameraId, 'stalled', health.detail, analysis.node.id);
        analysis.requestKeyFrame();
      }
    }
  }

  #setAnalysis(cameraId: string, status: AnalysisState['status'], detail: string | null, nodeId: string | null): void {
    const analysis = this.#analyses.get(cameraId);
    const stats = analysis?.node.stats?.cameras.find((camera) => camera.cameraId === cameraId);
    const input = analysis && !analysis.closed && status !== 'off' ? analysis.input(stats) : null;
    this.#options.cameras.setAnalysis(cameraId, { status, detail, nodeId, input });
  }

  /** Runs a reconcile of `cameraId` after the ones already queued for it. */
  #schedule(cameraId: string): void {
    if (this.#closed) return;
    const previous = this.#queue.get(cameraId) ?? Promise.resolve();
    const next = previous
      .then(() => this.#reconcile(cameraId))
      .catch((error: unknown) => log.error({ err: error, cameraId }, 'reconcile failed'))
      .finally(() => {
        if (this.#queue.get(cameraId) === next) this.#queue.delete(cameraId);
      });
    this.#queue.set(cameraId, next);
  }

  #retryLater(cameraId: string): void {
    if (this.#closed || this.#retryTimers.has(cameraId)) return;
    this.#retryTimers.set(
      cameraId,
      setTimeout(() => {
        this.#retryTimers.delete(cameraId);
        this.#schedule(cameraId);
      }, this.#timing.retryMs),
    );
  }

  #stop(cameraId: string): void {
    const analysis = this.#analyses.get(cameraId);
    if (!analysis) return;
    this.#analyses.delete(cameraId);
    analysis.node.cameras.delete(cameraId);
    analysis.close(true);
  }

  /** Brings the camera's analysis in line with what is wanted now. */
  async #reconcile(cameraId: string): Promise<void> {
    if (this.#closed) return;
    const { cameras, media } = this.#options;
    const camera = cameras.get(cameraId);
    if (!camera) {
      this.#wantedSince.delete(cameraId);
      this.#stop(cameraId);
      this.#wasAnalysed.delete(cameraId);
      return;
    }
    // An RTSP camera's analysis stream (its smaller substream) when it is live, else what viewers watch.
    const video = cameras.videoOf(cameraId);
    const analysisStream = cameras.analysisProducerOf(cameraId);
    const producer = analysisStream ?? video?.producer;
    const source = analysisStream ? 'analysis' : 'main';
    const off = !camera.enabled
      ? 'camera disabled'
      : !camera.analysisEnabled
        ? 'analysis switched off'
        : !producer || producer.kind !== 'video'
          ? 'no video'
          : undefined;
    if (off || !video || !producer) {
      this.#wantedSince.delete(cameraId);
      this.#stop(cameraId);
      this.#setAnalysis(cameraId, 'off', off ?? 'no video', null);
      return;
    }
    const current = this.#analyses.get(cameraId);
    if (current && !current.closed && current.producerId === producer.id && !current.node.closed) return;
    if (current) this.#stop(cameraId);
    // After a failed start the camera waits retryMs: the state changes of that try ('starting', then 'stalled')
    // reconcile it again, and starting at once from those asked the node again many times a second.
    if (this.#retryTimers.has(cameraId)) return;

    // A camera waiting since an earlier reconcile (no node, a failed start) keeps the time it was first wanted.
    const wantedAt = this.#wantedSince.get(cameraId) ?? Date.now();
    this.#wantedSince.set(cameraId, wantedAt);
    const node = this.#pickNode(cameraId);
    if (!node) {
      this.#setAnalysis(
        cameraId,
        this.#wasAnalysed.has(cameraId) ? 'stalled' : 'starting',
        'waiting for an inference node',
        null,
      );
      return;
    }
    node.cameras.add(cameraId);
    this.#placement.assigned({ id: node.id, cameras: [], maxCameras: node.info.capacity.maxCameras, fps: node.info.capacity.fps });
    this.#setAnalysis(cameraId, 'starting', `starting on ${node.info.name}`, node.id);
    let analysis: CameraAnalysis;
    try {
      analysis = await CameraAnalysis.start({
        room: await media.getRoom(video.group),
        producer,
        source,
        node,
        cameraId,
        cameraName: camera.name,
        listenIp: this.#options.listenIp,
        layer: this.#options.layer ?? 'lowest',
        ...(this.#options.layerMargin !== undefined ? { layerMargin: this.#options.layerMargin } : {}),
        wantedAt,
        assignTimeoutMs: this.#timing.assignTimeoutMs,
      });
    } catch (error) {
      node.cameras.delete(cameraId);
      const message = error instanceof Error ? error.message : String(error);
      log.warn({ cameraId, nodeId: node.id, err: error }, 'could not start analysis');
      this.#setAnalysis(cameraId, 'stalled', `could not start analysis: ${message}`, null);
      this.#retryLater(cameraId);
      return;
    }
    // Things may have moved while we waited: start again from what is true now.
    const wanted = cameras.analysisProducerOf(cameraId) ?? cameras.videoOf(cameraId)?.producer;
    if (this.#closed || node.closed || wanted !== producer || !cameras.get(cameraId)) {
      node.cameras.delete(cameraId);
      analysis.close(!node.closed);
      this.#schedule(cameraId);
      return;
    }
    this.#analyses.set(cameraId, analysis);
    this.#wantedSince.delete(cameraId);
    log.info({ cameraId, nodeId: node.id, producerId: producer.id, ms: Date.now() - wantedAt }, 'analysis started');
    analysis.on('close', (reason) => {
      if (this.#analyses.get(cameraId) !== analysis) return;
      this.#analyses.delete(cameraId);
      node.cameras.delete(cameraId);
      analysis.close(true);
      this.#setAnalysis(cameraId, 'stalled', reason, null);
      this.#schedule(cameraId);
    });
  }

  /** The connected nodes as the placement sees them (cameras oldest first). */
  #placementNodes(): PlacementNode[] {
    return [...this.#nodes.values()]
      .filter((node) => !node.closed)
      .map((node) => ({
        id: node.id,
        cameras: [...node.cameras],
        maxCameras: node.info.capacity.maxCameras,
        fps: node.info.capacity.fps,
      }));
  }

  /** Where the camera goes: the node it is being moved to, else the connected node with room and the most headroom. */
  #pickNode(cameraId: string): NodeLink | undefined {
    const moveTo = this.#moveTo.get(cameraId);
    this.#moveTo.delete(cameraId);
    const target = moveTo ? this.#nodes.get(moveTo) : undefined;
    if (target && !target.closed && target.hasRoom) return target;
    const picked = this.#placement.pick(this.#placementNodes());
    return picked ? this.#nodes.get(picked.id) : undefined;
  }
}

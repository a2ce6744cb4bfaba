import type { types } from 'mediasoup';
import { CameraRepository, type CameraChanges } from '@maskwatch/db/CameraRepository';
import type { Database } from '@maskwatch/db/Database';
import { DbError } from '@maskwatch/db/DbError';
import {
  redactRtspUrl,
  type AnalysisState,
  type Camera,
  type CameraStatus,
  type CameraView,
  type CreateCamera,
} from '@maskwatch/protocol/camera';
import { MaskwatchError } from '@maskwatch/protocol/errors';
import { EnhancedEmitter } from '../EnhancedEmitter.ts';
import { createLogger } from '../logger.ts';

const log = createLogger('CameraService');

/** What is known about a camera right now, beside its record. */
type LiveState = {
  status: CameraStatus;
  statusDetail: string | null;
  /** When the publisher tries again (ms since the epoch), while it waits after a failure. */
  retryAt: number | null;
  facesInView: number | null;
  producer: types.Producer | undefined;
  /** An RTSP camera's analysis stream (substream), ingested beside the main one; the node decodes it instead. */
  analysisProducer?: types.Producer | undefined;
  /** Who publishes it (a socket id or `ingest`), so a stale publisher cannot reset a newer one's state. */
  publisher: string | undefined;
  /** Set by the InferenceManager. */
  analysis: AnalysisState;
};

const ANALYSIS_OFF: AnalysisState = { status: 'off', detail: null, nodeId: null };

export type CameraServiceEvents = {
  /** Record or live state changed: push `camera:state`. */
  state: [view: CameraView];
  removed: [cameraId: string];
  /** The record changed (created, updated): the ingest owner reconciles. */
  changed: [camera: Camera];
};

function toMaskwatchError(error: unknown): unknown {
  if (error instanceof DbError)
    return new MaskwatchError(error.code === 'invalid' ? 'bad_request' : error.code, error.message);
  return error;
}

/** Owns the cameras: their records (through the repository) and their live state. Emits; never pushes itself. */
export class CameraService extends EnhancedEmitter<CameraServiceEvents> {
  readonly #repo: CameraRepository;
  readonly #live = new Map<string, LiveState>();

  constructor(db: Database) {
    super();
    this.#repo = new CameraRepository(db);
  }

  list(): Camera[] {
    return this.#repo.list();
  }

  get(id: string): Camera | undefined {
    return this.#repo.get(id);
  }

  getByName(name: string): Camera | undefined {
    return this.#repo.getByName(name);
  }

  views(): CameraView[] {
    return this.#repo.list().map((camera) => this.view(camera));
  }

  view(camera: Camera): CameraView {
    const live = this.#live.get(camera.id);
    const producer =
      live?.producer && !live.producer.closed && live.producer.kind === 'video' ? live.producer : undefined;
    return {
      ...camera,
      rtspUrl: redactRtspUrl(camera.rtspUrl),
      analysisRtspUrl: redactRtspUrl(camera.analysisRtspUrl ?? null),
      status: live?.status ?? 'offline',
      statusDetail: live?.statusDetail ?? null,
      retryAt: live?.retryAt ?? null,
      hasVideo: producer !== undefined,
      facesInView: live?.facesInView ?? null,
      producerId: producer?.id ?? null,
      analysis: live?.analysis ?? ANALYSIS_OFF,
    };
  }

  viewOf(id: string): CameraView {
    const camera = this.#repo.get(id);
    if (!camera) throw new MaskwatchError('not_found', `no camera ${id}`);
    return this.view(camera);
  }

  create(input: CreateCamera): Camera {
    let camera: Camera;
    try {
      camera = this.#repo.create({
        name: input.name,
        kind: input.kind,
        enabled: input.enabled ?? true,
        analysisEnabled: input.analysisEnabled ?? true,
        rtspUrl: input.kind === 'rtsp' ? input.rtspUrl : null,
        analysisRtspUrl: input.kind === 'rtsp' ? (input.analysisRtspUrl ?? null) : null,
      });
    } catch (error) {
      throw toMaskwatchError(error);
    }
    log.info({ cameraId: camera.id, kind: camera.kind }, 'camera created');
    this.safeEmit('changed', camera);
    this.#emitState(camera.id);
    return camera;
  }

  update(id: string, changes: CameraChanges): Camera {
    let camera: Camera;
    try {
      camera = this.#repo.update(id, changes);
    } catch (error) {
      throw toMaskwatchError(error);
    }
    log.info({ cameraId: id, changes: Object.keys(changes) }, 'camera updated');
    this.safeEmit('changed', camera);
    this.#emitState(id);
    return camera;
  }

  remove(id: string): void {
    if (!this.#repo.remove(id)) throw new MaskwatchError('not_found', `no camera ${id}`);
    const live = this.#live.get(id);
    this.#live.delete(id);
    live?.producer?.close();
    log.info({ cameraId: id }, 'camera removed');
    this.safeEmit('removed', id);
  }

  producerOf(id: string): types.Producer | undefined {
    const producer = this.#live.get(id)?.producer;
    return producer && !producer.closed ? producer : undefined;
  }

  /** The producer of an RTSP camera's analysis stream (its substream), when that stream is live. */
  analysisProducerOf(id: string): types.Producer | undefined {
    const producer = this.#live.get(id)?.analysisProducer;
    return producer && !producer.closed && producer.kind === 'video' ? producer : undefined;
  }

  /**
   * The analysis stream's producer (undefined: none now). The ingest that made it owns it; the InferenceManager
   * hears of the change through `state` and moves the analysis to it (or back to the main stream).
   */
  setAnalysisProducer(id: string, producer: types.Producer | undefined): void {
    if (!this.#repo.get(id)) return;
    const live = this.#state(id);
    if (live.analysisProducer === producer) return;
    live.analysisProducer = producer;
    producer?.observer.once('close', () => {
      const current = this.#live.get(id);
      if (current?.analysisProducer !== producer) return;
      current.analysisProducer = undefined;
      this.#emitState(id);
    });
    this.#emitState(id);
  }

  publisherOf(id: string): string | undefined {
    return this.#live.get(id)?.publisher;
  }

  /** `publisher` takes the camera over; a previous publisher's producer is closed by its owner when it notices. */
  setPublisher(id: string, publisher: string): void {
    this.#state(id).publisher = publisher;
  }

  setStatus(
    id: string,
    status: CameraStatus,
    statusDetail: string | null = null,
    publisher?: string,
    retryAt: number | null = null,
  ): void {
    if (!this.#repo.get(id)) return;
    const live = this.#state(id);
    if (publisher !== undefined && live.publisher !== publisher) return;
    if (live.status === status && live.statusDetail === statusDetail && live.retryAt === retryAt) return;
    live.status = status;
    live.statusDetail = statusDetail;
    live.retryAt = retryAt;
    this.#emitState(id);
  }

  /** The producer of the camera's video; cleared (and state pushed) when it closes. */
  setProducer(id: string, producer: types.Producer, publisher: string): void {
    const live = this.#state(id);
    live.publisher = publisher;
    const previous = live.producer;
    live.producer = producer;
    if (previous && previous !== producer) previous.close();
    producer.observer.once('close', () => {
      const current = this.#live.get(id);
      if (current?.producer !== producer) return;
      current.producer = undefined;
      this.#emitState(id);
    });
    this.#emitState(id);
  }

  /** The publisher left: offline, producer closed, faces unknown. Ignored if someone else publishes now. */
  release(id: string, publisher: string, status: CameraStatus = 'offline', statusDetail: string | null = null): void {
    const live = this.#live.get(id);
    if (!live || live.publisher !== publisher) return;
    const producer = live.producer;
    live.producer = undefined;
    live.publisher = undefined;
    live.status = status;
    live.statusDetail = statusDetail;
    live.retryAt = null;
    live.facesInView = null;
    producer?.close();
    this.#emitState(id);
  }

  setFaces(id: string, count: number): void {
    const live = this.#state(id);
    // The camera page reports several times a second; viewers only hear about changes.
    if (live.facesInView === count) return;
    live.facesInView = count;
    this.#emitState(id);
  }

  /** The analysis state (the InferenceManager's): viewers hear about changes only. */
  setAnalysis(id: string, analysis: AnalysisState): void {
    if (!this.#repo.get(id)) return;
    const live = this.#state(id);
    const was = live.analysis;
    const same =
      was.status === analysis.status &&
      was.detail === analysis.detail &&
      was.nodeId === analysis.nodeId &&
      JSON.stringify(was.input ?? null) === JSON.stringify(analysis.input ?? null);
    if (same) return;
    live.analysis = analysis;
    this.#emitState(id);
  }

  #state(id: string): LiveState {
    let live = this.#live.get(id);
    if (!live) {
      live = {
        status: 'offline',
        statusDetail: null,
        retryAt: null,
        facesInView: null,
        producer: undefined,
        publisher: undefined,
        analysis: ANALYSIS_OFF,
      };
      this.#live.set(id, live);
    }
    return live;
  }

  #emitState(id: string): void {
    const camera = this.#repo.get(id);
    if (camera) this.safeEmit('state', this.view(camera));
  }
}

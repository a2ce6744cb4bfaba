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
import { MaskwatchError, type ErrorCode } from '@maskwatch/protocol/errors';
import { EnhancedEmitter } from '../EnhancedEmitter.ts';
import { createLogger } from '../logger.ts';

const log = createLogger('CameraService');

/** Why a publisher is asked to stop: another connection took the camera over, or the camera was removed. */
export type PublicationEnd = { code: Extract<ErrorCode, 'conflict' | 'not_found'>; message: string };

/**
 * Who publishes a camera's video, and how to ask them to stop. The publisher (a camera page's connection, or the
 * RTSP ingest) created its producer and transport and is the one to close them: CameraService never does.
 */
export type Publisher = {
  /** A camera page's socket id, or the ingest's name: only this publisher changes the camera's live state. */
  id: string;
  /** Asks the publisher to stop publishing this camera and close what it made for it; safe to call twice. */
  stop(end: PublicationEnd): void;
};

/** A camera's video: its producer and the room group it lives in (viewers and the analysis consume it there). */
export type CameraVideo = { producer: types.Producer; group: string };

/** The camera's publisher now, and its video once there is some. */
type Publication = { publisher: Publisher; video: CameraVideo | undefined };

/** What is known about a camera right now, beside its record. */
type LiveState = {
  status: CameraStatus;
  statusDetail: string | null;
  /** When the publisher tries again (ms since the epoch), while it waits after a failure. */
  retryAt: number | null;
  facesInView: number | null;
  publication: Publication | undefined;
  /** An RTSP camera's analysis stream (substream), ingested beside the main one; the node decodes it instead. */
  analysisProducer?: types.Producer | undefined;
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

/**
 * Owns the cameras: their records (through the repository) and their live state, with a publication record per
 * camera (who publishes it, its video). Emits; never pushes itself; asks a publisher to stop rather than closing
 * what the publisher made.
 */
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
    const producer = this.videoOf(camera.id)?.producer;
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

  /** Deletes the camera; its publisher, if any, is asked to stop. */
  remove(id: string): void {
    if (!this.#repo.remove(id)) throw new MaskwatchError('not_found', `no camera ${id}`);
    const live = this.#live.get(id);
    this.#live.delete(id);
    log.info({ cameraId: id }, 'camera removed');
    live?.publication?.publisher.stop({ code: 'not_found', message: 'this camera was removed' });
    this.safeEmit('removed', id);
  }

  /** The camera's video now: a producer that is open. */
  videoOf(id: string): CameraVideo | undefined {
    const video = this.#live.get(id)?.publication?.video;
    return video && !video.producer.closed && video.producer.kind === 'video' ? video : undefined;
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

  /** The id of the camera's publisher now (a camera page's socket id, or the ingest's name). */
  publisherOf(id: string): string | undefined {
    return this.#live.get(id)?.publication?.publisher.id;
  }

  /**
   * `publisher` takes the camera over, with its video if it has some already. A previous publisher is asked to stop
   * (it closes its own producer); from now on its status, video and release are ignored.
   */
  publish(id: string, publisher: Publisher, video?: CameraVideo): void {
    const live = this.#state(id);
    const previous = live.publication;
    live.publication = { publisher, video: undefined };
    if (previous && previous.publisher.id !== publisher.id) {
      const name = this.#repo.get(id)?.name ?? id;
      previous.publisher.stop({ code: 'conflict', message: `camera "${name}" was taken over by another connection` });
    }
    if (video) this.setVideo(id, publisher.id, video);
    else if (previous?.video) this.#emitState(id);
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
    if (publisher !== undefined && live.publication?.publisher.id !== publisher) return;
    if (live.status === status && live.statusDetail === statusDetail && live.retryAt === retryAt) return;
    live.status = status;
    live.statusDetail = statusDetail;
    live.retryAt = retryAt;
    this.#emitState(id);
  }

  /**
   * The publisher's video (a new producer replaces its previous one, which its owner closes); forgotten (and state
   * pushed) when the producer closes. Ignored unless `publisher` publishes the camera now.
   */
  setVideo(id: string, publisher: string, video: CameraVideo): void {
    const publication = this.#live.get(id)?.publication;
    if (publication?.publisher.id !== publisher) return;
    publication.video = video;
    video.producer.observer.once('close', () => {
      if (this.#live.get(id)?.publication !== publication || publication.video !== video) return;
      publication.video = undefined;
      this.#emitState(id);
    });
    this.#emitState(id);
  }

  /** The publisher stopped: offline, no video, faces unknown. Ignored if someone else publishes now. */
  release(id: string, publisher: string, status: CameraStatus = 'offline', statusDetail: string | null = null): void {
    const live = this.#live.get(id);
    if (!live || live.publication?.publisher.id !== publisher) return;
    live.publication = undefined;
    live.status = status;
    live.statusDetail = statusDetail;
    live.retryAt = null;
    live.facesInView = null;
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
        publication: undefined,
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

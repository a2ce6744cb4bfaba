import type { Camera } from '@maskwatch/protocol/camera';
import type { CameraService } from '../cameras/CameraService.ts';
import { createLogger } from '../logger.ts';
import type { MediaService } from '../media/MediaService.ts';
import { RtspIngest, type RtspIngestOptions } from './RtspIngest.ts';

const log = createLogger('IngestManager');
/** The publisher name of ingests in CameraService (browser cameras use their socket id). */
export const INGEST_PUBLISHER = 'ingest';
/** The room group ingests publish in. */
const INGEST_GROUP = 'default';

export type IngestManagerOptions = {
  cameras: CameraService;
  media: MediaService;
  ffmpegPath: string;
  mode: RtspIngestOptions['mode'];
  /** Why an RTSP URL may not be used as a source now (the camera network policy), or null; checked before each start. */
  refusedSource?: (url: string) => Promise<string | null>;
  /** Passed to each RtspIngest (tests shorten them). */
  timing?: Pick<RtspIngestOptions, 'retryMinMs' | 'retryMaxMs' | 'liveTimeoutMs' | 'stallMs' | 'probeIntervalMs'>;
};

/**
 * Owns one RtspIngest per enabled RTSP camera: starts, restarts (URL changed) and stops them as cameras are
 * created, updated, disabled and removed, and maps their events onto the camera's live state.
 */
export class IngestManager {
  readonly #options: IngestManagerOptions;
  readonly #ingests = new Map<string, RtspIngest>();
  /** RTSP cameras' analysis streams (an IP camera's substream), for the inference node only. */
  readonly #analysisIngests = new Map<string, RtspIngest>();
  readonly #off: (() => void)[] = [];
  /** Source checks in flight, by camera: a newer reconcile replaces the token, so a stale answer is ignored. */
  readonly #checking = new Map<string, object>();
  #started = false;
  #closed = false;

  constructor(options: IngestManagerOptions) {
    this.#options = options;
  }

  get(cameraId: string): RtspIngest | undefined {
    return this.#ingests.get(cameraId);
  }

  start(): void {
    if (this.#started || this.#closed) return;
    this.#started = true;
    const { cameras } = this.#options;
    const onChanged = (camera: Camera) => this.#reconcile(camera);
    const onRemoved = (cameraId: string) => this.#stop(cameraId);
    cameras.on('changed', onChanged);
    cameras.on('removed', onRemoved);
    this.#off.push(
      () => cameras.off('changed', onChanged),
      () => cameras.off('removed', onRemoved),
    );
    for (const camera of cameras.list()) this.#reconcile(camera);
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const off of this.#off) off();
    for (const cameraId of [...this.#ingests.keys()]) this.#stop(cameraId);
  }

  /** The analysis stream's ingest of `camera` runs while the main one does and the camera names one. */
  #reconcileAnalysisStream(camera: Camera): void {
    const url = camera.kind === 'rtsp' && camera.enabled && this.#ingests.has(camera.id) ? (camera.analysisRtspUrl ?? null) : null;
    const current = this.#analysisIngests.get(camera.id);
    if (current && current.url === url) return;
    if (current) this.#stopAnalysisStream(camera.id);
    if (!url) return;
    const check = this.#options.refusedSource;
    if (!check) {
      this.#startAnalysisStream(camera.id, url);
      return;
    }
    void check(url).then((refused) => {
      const now = this.#options.cameras.get(camera.id);
      if (this.#closed || this.#analysisIngests.has(camera.id) || now?.analysisRtspUrl !== url || !this.#ingests.has(camera.id)) return;
      if (refused) log.warn({ cameraId: camera.id, refused }, 'analysis stream not allowed: the node decodes the main stream');
      else this.#startAnalysisStream(camera.id, url);
    });
  }

  #newIngest(cameraId: string, url: string): RtspIngest {
    return new RtspIngest({
      cameraId,
      url,
      getRoom: () => this.#options.media.getRoom(INGEST_GROUP),
      ffmpegPath: this.#options.ffmpegPath,
      mode: this.#options.mode,
      ...this.#options.timing,
    });
  }

  #startAnalysisStream(cameraId: string, url: string): void {
    const { cameras } = this.#options;
    const ingest = this.#newIngest(cameraId, url);
    this.#analysisIngests.set(cameraId, ingest);
    // Viewers watch the main stream: this one's producer only goes to the analysis. Its troubles are not the
    // camera's: the analysis falls back to the main stream meanwhile (the admin page says which it decodes).
    ingest.on('producer', (producer) => cameras.setAnalysisProducer(cameraId, producer));
    ingest.on('status', (status, detail) => {
      if (status === 'live') return;
      log.warn({ cameraId, status, detail }, 'analysis stream not live: the node decodes the main stream meanwhile');
      if (status === 'error') cameras.setAnalysisProducer(cameraId, undefined);
    });
    log.info({ cameraId }, 'analysis stream ingest started');
    ingest.start();
  }

  #stopAnalysisStream(cameraId: string): void {
    const ingest = this.#analysisIngests.get(cameraId);
    if (!ingest) return;
    this.#analysisIngests.delete(cameraId);
    ingest.close();
    this.#options.cameras.setAnalysisProducer(cameraId, undefined);
    log.info({ cameraId }, 'analysis stream ingest stopped');
  }

  #reconcile(camera: Camera): void {
    if (this.#closed) return;
    this.#reconcileMain(camera);
    this.#reconcileAnalysisStream(this.#options.cameras.get(camera.id) ?? camera);
  }

  #reconcileMain(camera: Camera): void {
    const wanted = camera.kind === 'rtsp' && camera.enabled && camera.rtspUrl !== null;
    const current = this.#ingests.get(camera.id);
    if (current && wanted && current.url === camera.rtspUrl) return;
    if (current) this.#stop(camera.id);
    this.#checking.delete(camera.id);
    if (!wanted) {
      if (camera.kind === 'rtsp')
        this.#options.cameras.setStatus(camera.id, 'offline', camera.enabled ? null : 'disabled');
      return;
    }
    const check = this.#options.refusedSource;
    if (!check) {
      this.#start(camera);
      return;
    }
    const token = {};
    this.#checking.set(camera.id, token);
    const { cameras } = this.#options;
    cameras.setStatus(camera.id, 'connecting', 'checking the source address');
    void check(camera.rtspUrl!).then((refused) => {
      if (this.#closed || this.#checking.get(camera.id) !== token) return;
      this.#checking.delete(camera.id);
      const now = cameras.get(camera.id);
      if (!now || now.rtspUrl !== camera.rtspUrl || !now.enabled) return; // a later change reconciles itself
      if (refused) cameras.setStatus(camera.id, 'error', `source not allowed: ${refused}`);
      else {
        this.#start(now);
        this.#reconcileAnalysisStream(now);
      }
    });
  }

  /**
   * The camera network policy changed: a running ingest whose source is now refused stops, a camera refused before
   * is tried again.
   */
  recheckSources(): void {
    const check = this.#options.refusedSource;
    if (this.#closed || !check) return;
    for (const camera of this.#options.cameras.list()) {
      if (camera.kind !== 'rtsp' || !camera.enabled || !camera.rtspUrl || this.#checking.has(camera.id)) continue;
      const running = this.#ingests.get(camera.id);
      if (!running) {
        this.#reconcile(camera);
        continue;
      }
      void check(running.url).then((refused) => {
        if (!refused || this.#ingests.get(camera.id) !== running) return;
        this.#stop(camera.id);
        this.#options.cameras.setStatus(camera.id, 'error', `source not allowed: ${refused}`);
      });
    }
  }

  #start(camera: Camera): void {
    const { cameras } = this.#options;
    const ingest = this.#newIngest(camera.id, camera.rtspUrl!);
    this.#ingests.set(camera.id, ingest);
    // The ingest owns its producers (each attempt's transport closes them); asked to stop, the ingest ends.
    cameras.publish(camera.id, { id: INGEST_PUBLISHER, stop: () => this.#stop(camera.id) });
    ingest.on('status', (status, detail, retryAt) =>
      cameras.setStatus(camera.id, status, detail, INGEST_PUBLISHER, retryAt),
    );
    ingest.on('producer', (producer) => cameras.setVideo(camera.id, INGEST_PUBLISHER, { producer, group: INGEST_GROUP }));
    log.info({ cameraId: camera.id }, 'ingest started');
    ingest.start();
  }

  #stop(cameraId: string): void {
    this.#stopAnalysisStream(cameraId);
    this.#checking.delete(cameraId);
    const ingest = this.#ingests.get(cameraId);
    if (!ingest) return;
    this.#ingests.delete(cameraId);
    ingest.close();
    this.#options.cameras.release(cameraId, INGEST_PUBLISHER);
    log.info({ cameraId }, 'ingest stopped');
  }
}

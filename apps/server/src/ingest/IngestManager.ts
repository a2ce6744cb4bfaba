import type { Camera } from '@maskwatch/protocol/camera';
import type { CameraService } from '../cameras/CameraService.ts';
import { createLogger } from '../logger.ts';
import type { MediaService } from '../media/MediaService.ts';
import { RtspIngest, type RtspIngestOptions } from './RtspIngest.ts';

const log = createLogger('IngestManager');
/** The publisher name of ingests in CameraService (browser cameras use their socket id). */
export const INGEST_PUBLISHER = 'ingest';

export type IngestManagerOptions = {
  cameras: CameraService;
  media: MediaService;
  ffmpegPath: string;
  mode: RtspIngestOptions['mode'];
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
  readonly #off: (() => void)[] = [];
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

  #reconcile(camera: Camera): void {
    if (this.#closed) return;
    const wanted = camera.kind === 'rtsp' && camera.enabled && camera.rtspUrl !== null;
    const current = this.#ingests.get(camera.id);
    if (current && wanted && current.url === camera.rtspUrl) return;
    if (current) this.#stop(camera.id);
    if (!wanted) {
      if (camera.kind === 'rtsp')
        this.#options.cameras.setStatus(camera.id, 'offline', camera.enabled ? null : 'disabled');
      return;
    }
    const { cameras, media } = this.#options;
    const ingest = new RtspIngest({
      cameraId: camera.id,
      url: camera.rtspUrl!,
      getRoom: () => media.getRoom(),
      ffmpegPath: this.#options.ffmpegPath,
      mode: this.#options.mode,
      ...this.#options.timing,
    });
    this.#ingests.set(camera.id, ingest);
    cameras.setPublisher(camera.id, INGEST_PUBLISHER);
    ingest.on('status', (status, detail, retryAt) =>
      cameras.setStatus(camera.id, status, detail, INGEST_PUBLISHER, retryAt),
    );
    ingest.on('producer', (producer) => cameras.setProducer(camera.id, producer, INGEST_PUBLISHER));
    log.info({ cameraId: camera.id }, 'ingest started');
    ingest.start();
  }

  #stop(cameraId: string): void {
    const ingest = this.#ingests.get(cameraId);
    if (!ingest) return;
    this.#ingests.delete(cameraId);
    ingest.close();
    this.#options.cameras.release(cameraId, INGEST_PUBLISHER);
    log.info({ cameraId }, 'ingest stopped');
  }
}

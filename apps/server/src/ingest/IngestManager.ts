import type { CameraService } from '../cameras/CameraService.ts';
import type { MediaService } from '../media/MediaService.ts';

export type IngestManagerOptions = { cameras: CameraService; media: MediaService; ffmpegPath: string; mode: 'auto' | 'copy' | 'transcode' };

/** Placeholder: RTSP ingest lands in the next commit. */
export class IngestManager {
  constructor(readonly options: IngestManagerOptions) {}
  start(): void {}
  close(): void {}
}

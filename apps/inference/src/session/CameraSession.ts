import type { CameraStats, NodeResult } from '@maskwatch/protocol/inference';
import type { Box } from '@maskwatch/protocol/faces';
import { FaceTracker } from '@maskwatch/vision/track/FaceTracker';
import type { FaceTrackerOptions } from '@maskwatch/vision/track/FaceTrackerTypes';
import { resultFaces } from '@maskwatch/vision/track/resultFaces';
import type { CameraDecoder } from '../decode/CameraDecoder.ts';
import type { DecodedFrame } from '../decode/FrameReader.ts';
import type { AnalysedFrame, DropReason } from '../analyse/FrameScheduler.ts';

/** Analysed frames with faces kept per camera for snapshots (an alert asks for its frame a moment after the result). */
const RECENT_FRAMES = 10;
/** ...but no more bytes than this (full-resolution frames: 6 MB each at 1080p), at least the newest two. */
const RECENT_BYTES = 48 * 1024 * 1024;

/**
 * One camera on this node: its decoder, its tracker (ids are per camera), the last analysed frames, and its
 * counters. Owned by the InferenceNode, which closes it when the server releases the camera.
 */
export class CameraSession {
  readonly cameraId: string;
  readonly decoder: CameraDecoder;
  readonly #tracker: FaceTracker;
  readonly #recent: { seq: number; frame: DecodedFrame; faces: { trackId: number | undefined; box: Box }[] }[] = [];
  #seq = 0;
  #inputFrames = 0;
  #analysedFrames = 0;
  readonly #dropped: Record<string, number> = {};
  readonly #detected = { full: 0, region: 0, skipped: 0 };
  readonly #classified = { new: 0, reused: 0 };
  #frameSize: { width: number; height: number } | undefined;
  #resolutionChanges = 0;
  #closed = false;

  constructor(cameraId: string, decoder: CameraDecoder, tracker: FaceTrackerOptions = {}) {
    this.cameraId = cameraId;
    this.decoder = decoder;
    this.#tracker = new FaceTracker(tracker);
    decoder.on('input', () => this.#inputFrames++);
  }

  get closed(): boolean {
    return this.#closed;
  }

  dropped(reason: DropReason): void {
    this.#dropped[reason] = (this.#dropped[reason] ?? 0) + 1;
  }

  /**
   * Tracks the analysed frame's faces and builds its result. `ts` is the capture time on the server's clock:
   * `toServerTime` maps the node's clock onto it.
   */
  result(analysed: AnalysedFrame, toServerTime: (nodeMs: number) => number): NodeResult {
    const { frame, analysis, queueMs } = analysed;
    const t0 = performance.now();
    const tracked = this.#tracker.update(analysis.faces, frame.arrivedAt);
    const trackMs = performance.now() - t0;
    const seq = this.#seq++;
    this.#analysedFrames++;
    this.#detected[analysis.mode]++;
    this.#classified.new += analysis.classified;
    this.#classified.reused += analysis.reused;
    if (this.#frameSize && (this.#frameSize.width !== frame.width || this.#frameSize.height !== frame.height)) {
      this.#resolutionChanges++;
    }
    this.#frameSize = { width: frame.width, height: frame.height };
    const faces = resultFaces(tracked.faces, this.#tracker.options.highScore);
    // Only a frame with a face can be an alert's snapshot.
    if (analysis.faces.length > 0) {
      this.#recent.push({ seq, frame, faces: faces.map((face) => ({ trackId: face.trackId, box: face.box })) });
      let bytes = this.#recent.reduce((sum, entry) => sum + entry.frame.data.length, 0);
      while (this.#recent.length > RECENT_FRAMES || (this.#recent.length > 2 && bytes > RECENT_BYTES)) {
        bytes -= this.#recent.shift()!.frame.data.length;
      }
    }
    const ts = toServerTime(frame.arrivedAt);
    const endedTracks = tracked.ended.map((track) => ({
      trackId: track.trackId,
      trackKey: track.trackKey,
      label: track.label,
      lastSeen: toServerTime(track.lastSeenMs),
    }));
    return {
      ...(endedTracks.length > 0 ? { endedTracks } : {}),
      cameraId: this.cameraId,
      ts,
      seq,
      width: frame.width,
      height: frame.height,
      faces,
      timings: {
        decodeMs: Math.max(0, frame.decodedAt - frame.arrivedAt),
        queueMs,
        detectMs: analysis.detectMs,
        classifyMs: analysis.classifyMs,
        trackMs,
        totalMs: Math.max(0, toServerTime(Date.now()) - ts),
      },
    };
  }

  /** An analysed frame this session still holds. */
  frame(seq: number): DecodedFrame | undefined {
    return this.#recent.find((entry) => entry.seq === seq)?.frame;
  }

  /**
   * The frame for an alert's snapshot: frame `seq` if still held, else the newest held frame that shows track
   * `trackId` (a busy server asks a moment late, and the person is still there), with that track's box there and
   * the other faces of that frame to blur.
   */
  snapshotFrame(seq: number, trackId?: number): { frame: DecodedFrame; box?: Box; blur?: Box[] } | undefined {
    const held = this.frame(seq);
    if (held) return { frame: held };
    if (trackId === undefined) return undefined;
    for (let i = this.#recent.length - 1; i >= 0; i--) {
      const entry = this.#recent[i]!;
      const face = entry.faces.find((f) => f.trackId === trackId);
      if (face) return { frame: entry.frame, box: face.box, blur: entry.faces.filter((f) => f !== face).map((f) => f.box) };
    }
    return undefined;
  }

  /** Counters since the last call (rates over `periodMs`) for node:stats. */
  takeStats(periodMs: number): CameraStats {
    const seconds = Math.max(0.001, periodMs / 1000);
    const stats: CameraStats = {
      cameraId: this.cameraId,
      status: this.decoder.status,
      inputFps: this.#inputFrames / seconds,
      analysedFps: this.#analysedFrames / seconds,
      dropped: { ...this.#dropped },
      decoderRestarts: this.decoder.restarts,
      detected: { ...this.#detected },
      classified: { ...this.#classified },
      ...(this.#frameSize ? { frame: { ...this.#frameSize } } : {}),
      resolutionChanges: this.#resolutionChanges,
    };
    this.#inputFrames = 0;
    this.#analysedFrames = 0;
    return stats;
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.decoder.close();
    this.#recent.length = 0;
  }
}

/**
 * Drives the alerts' input seam (`AnalysisResults`, the InferenceManager's shape) from a test: `feed.play(...)`
 * emits FrameResults of tracks with the labels a test chooses, and `snapshot()` renders a real frame of a shared
 * clip with vision's renderSnapshot, as the inference node does. The live pipeline itself (detector, classifier,
 * tracker) is exercised by test/e2e/alerts.test.ts; this feed lets the server side be tested on its own.
 */
import { EventEmitter } from 'node:events';
import type { AnalysisResults, ResultSource, SnapshotImage } from '@maskwatch/server/alerts/ResultSource';
import { MaskwatchError } from '@maskwatch/protocol/errors';
import type { Box, Face, FrameResult, MaskLabel } from '@maskwatch/protocol/faces';
import { decodeImage } from '@maskwatch/vision/image/decodeImage';
import type { RgbFrame } from '@maskwatch/vision/image/RgbFrame';
import { renderSnapshot } from '@maskwatch/vision/snapshot/renderSnapshot';
import { extractFrames } from '@maskwatch/vision/testing/videoFrames';

export const FEED_SOURCE: ResultSource = { nodeId: 'test-node', classifier: 'cnn-fp32', classifierSha256: 'e'.repeat(64) };

export type FedPerson = { trackId: number; label: MaskLabel | null; score?: number; box?: Box };

export class ResultFeed extends EventEmitter implements AnalysisResults {
  readonly #frame: RgbFrame;
  #seq = 0;
  /** Frames the node "still holds": snapshots of others are refused like a node that dropped them. */
  readonly #held = new Set<string>();
  snapshots = 0;

  private constructor(frame: RgbFrame) {
    super();
    this.#frame = frame;
  }

  /** A feed whose frames are one real frame of `clip` (the snapshots show a real person). */
  static async create(clip = 'Gituatu_nomask.mp4'): Promise<ResultFeed> {
    return new ResultFeed(await decodeImage(extractFrames(clip, 1)[0]!));
  }

  override on(event: 'results', listener: (result: FrameResult, source: ResultSource) => void): this {
    return super.on(event, listener);
  }

  override off(event: 'results', listener: (result: FrameResult, source: ResultSource) => void): this {
    return super.off(event, listener);
  }

  /** Emits `frames` results of `cameraId` at once, 200 ms apart in capture time, the last one captured now. */
  play(cameraId: string, frames: number, people: (i: number) => FedPerson[]): void {
    const now = Date.now();
    for (let i = 0; i < frames; i++) this.#emit(cameraId, now - (frames - 1 - i) * 200, people(i));
  }

  /** Emits a result of `cameraId` every 1000/fps ms, captured now, like a live camera; returns the stop function. */
  loop(cameraId: string, people: (i: number) => FedPerson[], fps = 5): () => void {
    let i = 0;
    const timer = setInterval(() => this.#emit(cameraId, Date.now(), people(i++)), 1000 / fps);
    return () => clearInterval(timer);
  }

  #emit(cameraId: string, ts: number, people: FedPerson[]): void {
    const seq = this.#seq++;
    this.#held.add(`${cameraId}/${seq}`);
    const faces: Face[] = people.map((p, n) => ({
      box: p.box ?? [120 + n * 220, 60, 260 + n * 220, 230],
      label: p.label ?? 'mask',
      score: 0.9,
      trackId: p.trackId,
      trackLabel: p.label,
      trackScore: p.label === null ? null : (p.score ?? 0.9),
      trackAge: 1,
    }));
    const result: FrameResult = {
      cameraId,
      ts,
      seq,
      width: this.#frame.width,
      height: this.#frame.height,
      faces,
      timings: {},
      nodeId: FEED_SOURCE.nodeId,
    };
    this.emit('results', result, FEED_SOURCE);
  }

  async snapshot(cameraId: string, seq: number, box: Box, blur: Box[]): Promise<SnapshotImage> {
    if (!this.#held.has(`${cameraId}/${seq}`)) throw new MaskwatchError('not_found', `frame ${seq} is gone`);
    this.snapshots++;
    return renderSnapshot(this.#frame, box, blur);
  }
}

import { EnhancedEmitter } from '@maskwatch/common/EnhancedEmitter';
import { createLogger } from '@maskwatch/common/logger';
import type { DecodedFrame } from '../decode/FrameReader.ts';
import type { AnalysisWorker } from './AnalysisWorker.ts';
import type { LiveFrameAnalysis } from './plan/analyseLiveBatch.ts';

const log = createLogger('FrameScheduler');

/** Why a decoded frame was never analysed. */
export type DropReason = 'stale' | 'analysis_failed' | 'released';

export type AnalysedFrame = {
  cameraId: string;
  frame: DecodedFrame;
  analysis: LiveFrameAnalysis;
  /** From the frame being offered to its batch starting (node clock, ms). */
  queueMs: number;
};

export type FrameSchedulerEvents = {
  analysed: [analysed: AnalysedFrame];
  dropped: [cameraId: string, reason: DropReason];
};

/**
 * Frames of every camera into the analysis worker. The newest frame of a camera wins: one that arrives while an
 * older one still waits replaces it (the older is dropped and counted, never queued), so latency stays bounded
 * when the node is over capacity. One batch at a time, of at most `maxBatch` waiting frames.
 *
 * Fair under overload: when more cameras wait than a batch holds, the cameras served longest ago go first (round
 * robin), so every camera gets its share. Taking them in arrival order instead starved some cameras completely: a
 * camera whose frames always come in just before a batch starts is always replaced to the back of the line.
 *
 * A camera's first frames go first (`startFrames`, a batch of their own): a person who has just tapped "Start camera"
 * is told within the three frames the alert rule needs, instead of after every other camera's frames at each turn
 * (on a loaded node a batch of all cameras takes seconds). The camera is a starting one again after `forget`.
 */
export class FrameScheduler extends EnhancedEmitter<FrameSchedulerEvents> {
  readonly #worker: AnalysisWorker;
  readonly #maxBatch: number;
  readonly #startFrames: number;
  readonly #waiting = new Map<string, { frame: DecodedFrame; offeredAt: number }>();
  /** Camera -> the number of the batch that last took one of its frames. */
  readonly #served = new Map<string, number>();
  /** Camera -> frames of it taken into batches since it started (or was forgotten). */
  readonly #taken = new Map<string, number>();
  #batches = 0;
  #busy = false;
  #closed = false;

  constructor(worker: AnalysisWorker, options: { maxBatch?: number; startFrames?: number } = {}) {
    super();
    this.#worker = worker;
    this.#maxBatch = options.maxBatch ?? 8;
    this.#startFrames = options.startFrames ?? 3;
  }

  offer(cameraId: string, frame: DecodedFrame): void {
    if (this.#closed) return;
    if (this.#waiting.delete(cameraId)) this.safeEmit('dropped', cameraId, 'stale');
    this.#waiting.set(cameraId, { frame, offeredAt: performance.now() });
    this.#pump();
  }

  /** Drops the camera's waiting frame (it was released). */
  forget(cameraId: string): void {
    this.#served.delete(cameraId);
    this.#taken.delete(cameraId);
    if (this.#waiting.delete(cameraId)) this.safeEmit('dropped', cameraId, 'released');
  }

  close(): void {
    this.#closed = true;
    this.#waiting.clear();
    this.removeAllListeners();
  }

  #pump(): void {
    if (this.#busy || this.#closed || this.#waiting.size === 0) return;
    const batch: { cameraId: string; frame: DecodedFrame; queueMs: number }[] = [];
    const startedAt = performance.now();
    const batchNo = ++this.#batches;
    let order = [...this.#waiting.keys()];
    const starting = order.filter((cameraId) => (this.#taken.get(cameraId) ?? 0) < this.#startFrames);
    if (starting.length > 0) order = starting;
    if (order.length > this.#maxBatch) {
      // Least recently served first; a camera never served yet before all.
      const served = (cameraId: string): number => this.#served.get(cameraId) ?? 0;
      order = order.sort((a, b) => served(a) - served(b)).slice(0, this.#maxBatch);
    }
    for (const cameraId of order) {
      const { frame, offeredAt } = this.#waiting.get(cameraId)!;
      batch.push({ cameraId, frame, queueMs: startedAt - offeredAt });
      this.#waiting.delete(cameraId);
      this.#served.set(cameraId, batchNo);
      this.#taken.set(cameraId, (this.#taken.get(cameraId) ?? 0) + 1);
    }
    this.#busy = true;
    this.#worker
      .analyse(
        batch.map(({ cameraId, frame }) => ({
          cameraId,
          at: frame.arrivedAt,
          width: frame.width,
          height: frame.height,
          data: frame.data,
        })),
      )
      .then(
        ({ results, frames }) => {
          batch.forEach(({ cameraId, frame, queueMs }, i) => {
            // The pixels went to the worker and came back in a new buffer.
            const returned = { ...frame, data: frames[i] ?? frame.data };
            this.safeEmit('analysed', { cameraId, frame: returned, analysis: results[i]!, queueMs });
          });
        },
        (error: unknown) => {
          log.warn({ err: error, frames: batch.length }, 'batch failed');
          for (const { cameraId } of batch) this.safeEmit('dropped', cameraId, 'analysis_failed');
        },
      )
      .finally(() => {
        this.#busy = false;
        this.#pump();
      });
  }
}

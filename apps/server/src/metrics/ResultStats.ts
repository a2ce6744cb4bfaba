import type { FrameResult } from '@maskwatch/protocol/faces';

export type FaceLabelInView = 'mask' | 'no_mask' | 'incorrect' | 'undecided';
export const FACE_LABELS_IN_VIEW: readonly FaceLabelInView[] = ['mask', 'no_mask', 'incorrect', 'undecided'];

export type CameraWindow = {
  /** Results per second since the previous `take`. */
  resultsFps: number;
  /** Capture-to-viewer latency quantiles since the previous `take`; null without results. */
  latencyP50Ms: number | null;
  latencyP95Ms: number | null;
  /** Faces in the latest result (0 once it is stale); null before the first result. */
  faces: number | null;
  /** Faces in the latest result by their track's label (empty once it is stale). */
  labels: Record<FaceLabelInView, number>;
};

/** Latencies kept per camera and window: far above any real frame rate times the interval. */
const MAX_LATENCIES = 4096;

type CameraState = { count: number; latencies: number[]; last: FrameResult | null; lastAt: number };

/** The quantile q (0..1) of sorted values, by linear interpolation. */
export function quantile(sorted: readonly number[], q: number): number | null {
  if (sorted.length === 0) return null;
  const position = (sorted.length - 1) * q;
  const low = Math.floor(position);
  const high = Math.ceil(position);
  const a = sorted[low] ?? 0;
  const b = sorted[high] ?? a;
  return a + (b - a) * (position - low);
}

/** The label a viewer shows for a face: its track's vote (undecided until it is in); the frame's own without a tracker. */
export function labelInView(face: FrameResult['faces'][number]): FaceLabelInView {
  if (face.trackLabel === undefined) return face.label;
  return face.trackLabel ?? 'undecided';
}

/** Capture to viewer: the server's `emitMs` when it set one, else the age of the frame now. */
export function captureToViewerMs(result: FrameResult, now = Date.now()): number {
  return result.timings.emitMs ?? Math.max(0, now - result.ts);
}

/**
 * Per-camera figures over the metrics interval, from the results the server pushes: results per second, latency
 * p50/p95, and the faces of the latest result. Bounded: one entry per camera (forgotten when the camera goes),
 * at most MAX_LATENCIES latencies each.
 */
export class ResultStats {
  readonly #cameras = new Map<string, CameraState>();
  readonly #staleMs: number;
  #windowStart: number;

  constructor(options: { staleMs?: number; now?: number } = {}) {
    this.#staleMs = options.staleMs ?? 2000;
    this.#windowStart = options.now ?? Date.now();
  }

  record(result: FrameResult, latencyMs: number, now = Date.now()): void {
    let state = this.#cameras.get(result.cameraId);
    if (!state) {
      state = { count: 0, latencies: [], last: null, lastAt: 0 };
      this.#cameras.set(result.cameraId, state);
    }
    state.count++;
    if (state.latencies.length < MAX_LATENCIES) state.latencies.push(latencyMs);
    state.last = result;
    state.lastAt = now;
  }

  forget(cameraId: string): void {
    this.#cameras.delete(cameraId);
  }

  /** Figures of the window that ends now; the next window starts now. */
  take(now = Date.now()): Map<string, CameraWindow> {
    const seconds = Math.max(0.001, (now - this.#windowStart) / 1000);
    this.#windowStart = now;
    const out = new Map<string, CameraWindow>();
    for (const [cameraId, state] of this.#cameras) {
      const sorted = state.latencies.sort((a, b) => a - b);
      const fresh = state.last !== null && now - state.lastAt <= this.#staleMs;
      const labels: Record<FaceLabelInView, number> = { mask: 0, no_mask: 0, incorrect: 0, undecided: 0 };
      if (fresh && state.last) for (const face of state.last.faces) labels[labelInView(face)]++;
      out.set(cameraId, {
        resultsFps: state.count / seconds,
        latencyP50Ms: quantile(sorted, 0.5),
        latencyP95Ms: quantile(sorted, 0.95),
        faces: state.last === null ? null : fresh ? state.last.faces.length : 0,
        labels,
      });
      state.count = 0;
      state.latencies = [];
    }
    return out;
  }
}

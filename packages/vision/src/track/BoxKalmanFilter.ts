import type { Box } from '@maskwatch/protocol/faces';

/**
 * Noise of the motion model, each as a fraction of the box's own size (its width for x and width, its height for
 * y and height), so one setting fits a face of 20 px and one of 400 px. Time is in seconds: frames arrive at the
 * analysed rate, which may change or drop frames, so the filter steps by the real gap between them.
 */
export type BoxKalmanNoise = {
  /** Measurement noise (std) of a detected box edge or centre. ByteTrack's 1/20. */
  measurement: number;
  /** Std of the position at a track's birth (ByteTrack's 2 × 1/20). */
  initialPosition: number;
  /** Std of the velocity at a track's birth, sizes per second (a face may cross its own width in half a second). */
  initialVelocity: number;
  /** Random acceleration, sizes per second² (white-noise acceleration model). */
  acceleration: number;
  /** Random walk of the position, sizes per √second (jitter not explained by velocity). */
  positionWalk: number;
};

export const DEFAULT_BOX_KALMAN_NOISE: Readonly<BoxKalmanNoise> = Object.freeze({
  measurement: 0.05,
  initialPosition: 0.1,
  initialVelocity: 2,
  acceleration: 2,
  positionWalk: 0.1,
});

const AXES = 4;

/**
 * Constant-velocity Kalman filter of a face box in (cx, cy, w, h) with a velocity per coordinate.
 *
 * As in SORT/ByteTrack the motion and measurement matrices couple each coordinate only with its own velocity and
 * every noise is diagonal, so the 8-state filter is exactly four independent 2-state filters (position, velocity),
 * computed here in closed form: no matrix library, no allocation per step.
 */
export class BoxKalmanFilter {
  /** [cx, cy, w, h, vcx, vcy, vw, vh]; velocities in px per second. */
  readonly #mean = new Float64Array(2 * AXES);
  /** Per axis: [P_pp, P_pv, P_vv]. */
  readonly #cov = new Float64Array(3 * AXES);
  readonly #noise: Readonly<BoxKalmanNoise>;

  constructor(box: Box, noise: Readonly<BoxKalmanNoise> = DEFAULT_BOX_KALMAN_NOISE) {
    this.#noise = noise;
    const m = this.#mean;
    m[0] = (box[0] + box[2]) / 2;
    m[1] = (box[1] + box[3]) / 2;
    m[2] = Math.max(box[2] - box[0], 0);
    m[3] = Math.max(box[3] - box[1], 0);
    for (let axis = 0; axis < AXES; axis++) {
      const size = this.#size(axis);
      const sp = noise.initialPosition * size;
      const sv = noise.initialVelocity * size;
      this.#cov[3 * axis] = sp * sp;
      this.#cov[3 * axis + 1] = 0;
      this.#cov[3 * axis + 2] = sv * sv;
    }
  }

  /** The box the filter expects now, [x1, y1, x2, y2]. */
  box(): Box {
    const m = this.#mean;
    const w = Math.max(m[2]!, 1);
    const h = Math.max(m[3]!, 1);
    return [m[0]! - w / 2, m[1]! - h / 2, m[0]! + w / 2, m[1]! + h / 2];
  }

  /** Velocity of the box centre, px per second. */
  velocity(): [number, number] {
    return [this.#mean[4]!, this.#mean[5]!];
  }

  /** Advances the state by `dtSec` seconds (0 leaves it as is). */
  predict(dtSec: number): void {
    if (!(dtSec > 0)) return;
    const { acceleration, positionWalk } = this.#noise;
    const dt2 = dtSec * dtSec;
    for (let axis = 0; axis < AXES; axis++) {
      const size = this.#size(axis);
      const qa = (acceleration * size) ** 2;
      const qw = (positionWalk * size) ** 2;
      const k = 3 * axis;
      const pp = this.#cov[k]!;
      const pv = this.#cov[k + 1]!;
      const vv = this.#cov[k + 2]!;
      // P' = F P Fᵀ + Q, F = [[1, dt], [0, 1]], Q = qa·[[dt³/3, dt²/2], [dt²/2, dt]] + qw·[[dt, 0], [0, 0]].
      this.#cov[k] = pp + 2 * dtSec * pv + dt2 * vv + qa * ((dt2 * dtSec) / 3) + qw * dtSec;
      this.#cov[k + 1] = pv + dtSec * vv + qa * (dt2 / 2);
      this.#cov[k + 2] = vv + qa * dtSec;
      this.#mean[axis] = this.#mean[axis]! + dtSec * this.#mean[AXES + axis]!;
    }
    // A shrinking box must not turn inside out.
    if (this.#mean[2]! < 1) this.#mean[2] = 1;
    if (this.#mean[3]! < 1) this.#mean[3] = 1;
  }

  /** Corrects the state with a detected box. */
  update(box: Box): void {
    const z0 = (box[0] + box[2]) / 2;
    const z1 = (box[1] + box[3]) / 2;
    const z2 = Math.max(box[2] - box[0], 0);
    const z3 = Math.max(box[3] - box[1], 0);
    const { measurement } = this.#noise;
    for (let axis = 0; axis < AXES; axis++) {
      const z = axis === 0 ? z0 : axis === 1 ? z1 : axis === 2 ? z2 : z3;
      const size = this.#size(axis);
      const r = (measurement * size) ** 2;
      const k = 3 * axis;
      const pp = this.#cov[k]!;
      const pv = this.#cov[k + 1]!;
      const vv = this.#cov[k + 2]!;
      const s = pp + r;
      const kp = pp / s;
      const kv = pv / s;
      const innovation = z - this.#mean[axis]!;
      this.#mean[axis] = this.#mean[axis]! + kp * innovation;
      this.#mean[AXES + axis] = this.#mean[AXES + axis]! + kv * innovation;
      // P' = (I - K H) P.
      this.#cov[k] = (1 - kp) * pp;
      this.#cov[k + 1] = (1 - kp) * pv;
      this.#cov[k + 2] = vv - kv * pv;
    }
  }

  /**
   * Stops the size from drifting while the face is not seen (ByteTrack zeroes the height velocity of a lost
   * track): the centre keeps moving, the box keeps its size.
   */
  freezeSize(): void {
    this.#mean[AXES + 2] = 0;
    this.#mean[AXES + 3] = 0;
  }

  /** Width for the x axes (cx, w), height for the y axes (cy, h); at least 1 px so the noise never vanishes. */
  #size(axis: number): number {
    return Math.max(axis % 2 === 0 ? this.#mean[2]! : this.#mean[3]!, 1);
  }
}

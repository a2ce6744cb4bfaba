import type { Box, MaskLabel } from '@maskwatch/protocol/faces';
import type { RgbFrame } from '@maskwatch/vision/image/RgbFrame';
import { iou } from '@maskwatch/vision/detect/nms';
import { MotionGrid, type MotionGridOptions } from './MotionGrid.ts';
import { planRegions, REGION_DEFAULTS, type RegionPlanOptions } from './planRegions.ts';

/** How a frame was looked at: the whole frame, regions of it, or not at all (nothing moved, no faces lately). */
export type DetectMode = 'full' | 'region' | 'skipped';
export const DETECT_MODES: readonly DetectMode[] = ['full', 'region', 'skipped'];

export type PlannerOptions = {
  /** A full-frame pass at least this often (ms of capture time); 0: every frame is a full pass (no planning). */
  fullFrameMs: number;
  /** Motion gating on: frames without motion and without faces lately are not looked at. */
  motion: boolean;
  motionGrid?: Partial<MotionGridOptions>;
  regions?: Partial<RegionPlanOptions>;
  /** A face keeps its region this many analysed frames after it was last detected. */
  faceMemory: number;
  /** A face is classified again every this many analysed frames (1: every frame). */
  reclassifyEvery: number;
  /** ...and whenever its last classification was less sure than this, */
  confidentScore: number;
  /** ...or its box grew by this factor in area since (closer: a better crop). */
  growth: number;
  /**
   * A region is sampled so that its smallest remembered face shows at least `regionFaceMin` px (a 20 px face
   * enlarged: YuNet finds 32 px faces far more surely than 20 px ones) and at most `regionFaceMax` px (a close-up
   * shrunk, to half its size at most: the pass costs a quarter; shrunk further, the box, which decides the
   * classifier's crop, moves by a tenth of the face and a bare face was read as a mask worn wrongly); within
   * `minRegionScale`..`maxRegionScale`.
   */
  regionFaceMin: number;
  regionFaceMax: number;
  minRegionScale: number;
  maxRegionScale: number;
};

export const PLANNER_DEFAULTS: PlannerOptions = {
  fullFrameMs: 2000,
  motion: true,
  faceMemory: 5,
  reclassifyEvery: 3,
  confidentScore: 0.9,
  growth: 1.5,
  regionFaceMin: 32,
  regionFaceMax: 96,
  minRegionScale: 0.5,
  maxRegionScale: 2,
};

/** A region to look at, and the scale it is sampled at (1: the frame's own pixels). */
export type PlannedRegion = { box: Box; scale: number };
/**
 * `tiles`: a full pass also looks over tiles for small faces (when the detector has a tile pass for the frame). Not
 * in a camera's first `fullFrameMs`: a person who has just started a camera is close to it, and the tiles cost about
 * five times the whole-frame pass at 720p (the first result and the first alert came that much later); the first
 * full pass after it has them.
 */
export type Plan = { mode: DetectMode; regions: PlannedRegion[]; tiles: boolean };

/** A face's last classification, kept so that a steady, confident face is not classified at every frame. */
export type ClassifiedFace = {
  box: Box;
  probabilities: number[];
  label: MaskLabel;
  score: number;
  /** Analysed frames since it was classified. */
  age: number;
  /** Area of its box when it was classified. */
  area: number;
};

type Remembered = { box: Box; lastSeen: number };

const boxArea = (b: Box) => Math.max(0, b[2] - b[0]) * Math.max(0, b[3] - b[1]);

/**
 * One camera's analysis plan, kept where the pixels are (the analysis worker): what to detect in each frame (full
 * frame, regions around recent faces and motion, or nothing), and which faces need classifying again. Decisions
 * only; the detector and classifier run elsewhere.
 */
export class CameraPlanner {
  readonly options: PlannerOptions;
  readonly #motion: MotionGrid;
  readonly #regionOptions: RegionPlanOptions;
  #frame = 0;
  #lastFullAt = Number.NEGATIVE_INFINITY;
  /** Capture time of the first frame at this size (ms). */
  #startedAt = 0;
  #size = '';
  #recent: Remembered[] = [];
  #classified: ClassifiedFace[] = [];

  constructor(options: Partial<PlannerOptions> = {}) {
    this.options = { ...PLANNER_DEFAULTS, ...options };
    this.#motion = new MotionGrid(this.options.motionGrid);
    this.#regionOptions = { ...REGION_DEFAULTS, ...this.options.regions };
  }

  /** What to detect in `frame`, captured at `at` (ms). */
  plan(frame: RgbFrame, at: number): Plan {
    this.#frame++;
    const size = `${frame.width}x${frame.height}`;
    const resized = size !== this.#size;
    this.#size = size;
    if (resized) {
      // Another resolution (a rotated phone, a layer switch): nothing remembered applies.
      this.#startedAt = at;
      this.#recent = [];
      this.#classified = [];
      this.#motion.reset();
    }
    const motion = this.options.motion ? this.#motion.update(frame) : null;
    const due = this.options.fullFrameMs <= 0 || at - this.#lastFullAt >= this.options.fullFrameMs || at < this.#lastFullAt;
    if (due || (this.options.motion && motion === null)) return this.#full(at);
    const faces = this.#recent.map((r) => r.box);
    // Without motion gating, every frame is looked at: around the faces, or whole when there are none.
    const regions = planRegions(frame.width, frame.height, { faces, motion: motion ?? [] }, this.#regionOptions);
    if (regions === 'full') {
      // Most of the frame to look at: whole, and at a smaller scale when the faces in it are large (close-ups).
      const whole: Box = [0, 0, frame.width, frame.height];
      const scale = this.#scaleFor(whole, faces);
      return faces.length > 0 && scale < 1 ? { mode: 'region', regions: [{ box: whole, scale }], tiles: false } : this.#full(at);
    }
    if (!this.options.motion && regions.length === 0) return this.#full(at);
    if (regions.length === 0) return { mode: 'skipped', regions: [], tiles: false };
    return { mode: 'region', regions: regions.map((box) => ({ box, scale: this.#scaleFor(box, faces) })), tiles: false };
  }

  /** The faces detected in the planned frame: they keep their regions for the next frames. */
  detected(boxes: readonly Box[]): void {
    const frame = this.#frame;
    this.#recent = [
      ...boxes.map((box) => ({ box, lastSeen: frame })),
      ...this.#recent.filter((r) => frame - r.lastSeen < this.options.faceMemory && boxes.every((b) => iou(b, r.box) < 0.3)),
    ];
  }

  /**
   * For each face of this frame, the earlier classification it may reuse (undefined: classify it): the same face
   * (IoU >= 0.4 with one classified lately), classified fewer than `reclassifyEvery` frames ago, sure of it, and
   * not grown much since.
   */
  reusable(boxes: readonly Box[]): (ClassifiedFace | undefined)[] {
    const { reclassifyEvery, confidentScore, growth } = this.options;
    const taken = new Set<ClassifiedFace>();
    return boxes.map((box) => {
      let best: ClassifiedFace | undefined;
      let bestIou = 0.4;
      for (const c of this.#classified) {
        const overlap = iou(box, c.box);
        if (!taken.has(c) && overlap >= bestIou) {
          best = c;
          bestIou = overlap;
        }
      }
      if (!best || best.age + 1 >= reclassifyEvery || best.score < confidentScore || boxArea(box) > best.area * growth) {
        return undefined;
      }
      taken.add(best);
      return best;
    });
  }

  /** This frame's faces with their classifications (new or reused), for the next frame's `reusable`. */
  classified(
    faces: readonly { box: Box; probabilities: number[]; label: MaskLabel; score: number; reused: ClassifiedFace | undefined }[],
  ): void {
    this.#classified = faces.map(({ box, probabilities, label, score, reused }) =>
      reused
        ? { ...reused, box, age: reused.age + 1 }
        : { box, probabilities, label, score, age: 0, area: boxArea(box) },
    );
  }

  /**
   * The scale that shows the smallest face remembered in `region` between regionFaceMin and regionFaceMax; 1 for a
   * region without one (only motion there: a new face of any size may be in it).
   */
  #scaleFor(region: Box, faces: readonly Box[]): number {
    const sides = faces
      .filter((f) => (f[0] + f[2]) / 2 >= region[0] && (f[0] + f[2]) / 2 <= region[2] && (f[1] + f[3]) / 2 >= region[1] && (f[1] + f[3]) / 2 <= region[3])
      .map((f) => Math.max(f[2] - f[0], f[3] - f[1]));
    if (sides.length === 0) return 1;
    const { regionFaceMin, regionFaceMax, minRegionScale, maxRegionScale } = this.options;
    const smallest = Math.min(...sides);
    const scale = smallest < regionFaceMin ? regionFaceMin / smallest : smallest > regionFaceMax ? regionFaceMax / smallest : 1;
    return Math.min(maxRegionScale, Math.max(minRegionScale, scale));
  }

  #full(at: number): Plan {
    this.#lastFullAt = at;
    const starting = at >= this.#startedAt && at - this.#startedAt < this.options.fullFrameMs;
    return { mode: 'full', regions: [], tiles: !starting };
  }
}

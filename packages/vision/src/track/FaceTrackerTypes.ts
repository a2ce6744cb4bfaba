import type { Box, MaskLabel } from '@maskwatch/protocol/faces';

/** One face of one analysed frame, as the tracker takes it (a FacePipeline face plus its probabilities). */
export type TrackDetection = {
  /** [x1, y1, x2, y2] in frame pixels. */
  box: Box;
  /** Detector confidence, 0..1: picks the association stage (high first, then low). */
  detScore: number;
  /** This frame's label and its score, passed through untouched. */
  label: MaskLabel;
  score: number;
  /** Classifier probabilities in MASK_LABELS order (mask, no_mask, incorrect): what the vote is taken on. */
  probabilities: readonly number[];
};

/** The fields the tracker adds to a detection; a TrackedFace is a valid protocol Face (extra fields aside). */
export type TrackFields = {
  /**
   * Stable per camera (per FaceTracker), 1, 2, 3…; absent until the track is confirmed (`minHits`) and for a
   * detection no track took, as in the protocol's Face.
   */
  trackId?: number;
  /** Voted label, null until decided (see TrackVote). */
  trackLabel: MaskLabel | null;
  /** Confidence of trackLabel, 0..1; null with it. */
  trackScore: number | null;
  /** Frames the track has been seen in, this one included; 0 for a detection no track took. */
  trackAge: number;
};

export type TrackedFace<D extends TrackDetection = TrackDetection> = D & TrackFields;

/** A confirmed track that ended: reported once, by the update (or endAll) that ended it. */
export type EndedTrack = {
  trackId: number;
  /** Voted label when it ended (null if never decided) and its confidence. */
  label: MaskLabel | null;
  score: number | null;
  /** Frames it was seen in. */
  age: number;
  /** `ts` of its first and last observation. */
  firstSeenMs: number;
  lastSeenMs: number;
  /** Its last detected box. */
  lastBox: Box;
  /** `lost`: not seen for longer than maxLostMs; `flushed`: endAll() (the camera's analysis stopped). */
  reason: 'lost' | 'flushed';
};

export type FaceTrackerUpdate<D extends TrackDetection = TrackDetection> = {
  /** One per detection, in the order given. */
  faces: Array<TrackedFace<D>>;
  /** Tracks that ended in this update. */
  ended: EndedTrack[];
};

export type FaceTrackerOptions = {
  /** Detections scoring at least this are matched first and may start tracks. Default 0.6 (FaceDetector's). */
  highScore?: number;
  /**
   * Detections between this and highScore only continue tracks already seen (ByteTrack's second stage), so a
   * face that turns or blurs keeps its track; below it they are left untracked. Default 0.3.
   */
  lowScore?: number;
  /** Least IoU between a track's predicted box and a detection to match them. Default 0.2 (ByteTrack's 0.8 cost). */
  matchIou?: number;
  /** The same for low-score detections, stricter. Default 0.5. */
  lowMatchIou?: number;
  /**
   * Last chance for a high-score detection and a track still unmatched: their IoU with both boxes widened by this
   * share of their size on every side (C-BIoU). Catches a fast face whose track has no velocity yet. 0 turns it
   * off. Default 0.5.
   */
  matchBuffer?: number;
  /** A track gets its id after this many observations in a row (tentative tracks die at their first miss). Default 3. */
  minHits?: number;
  /** A confirmed track not seen for longer than this ends. Default 1500 (7 frames at 5 fps). */
  maxLostMs?: number;
  /** The vote covers this many recent observations. Default 10. */
  voteWindow?: number;
  /** No voted label before this many observations. Default 3. */
  minVotes?: number;
  /** Share of the window that must agree with the voted label. Default 0.6. */
  minConsensus?: number;
  /** Operating point: a frame votes "mask" when p(mask) >= this; pass the manifest's τ where it has one. Default 0.5. */
  maskThreshold?: number;
  /**
   * Operating point: a non-compliant track is `incorrect` when its median p(incorrect) / (p(incorrect) + p(no_mask))
   * reaches r / (1 + r), i.e. p(incorrect) >= r · p(no_mask) (the manifest's r). Default 1.
   */
  incorrectRatio?: number;
};

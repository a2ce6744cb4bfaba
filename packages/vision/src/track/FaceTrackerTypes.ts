import type { Box, MaskLabel } from '@maskwatch/protocol/faces';

import type { Appearance } from './appearance.ts';

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
  /** The person's look (describeAppearance): lets a track lost for a while, or seen seconds ago, be recognised. */
  appearance?: Appearance;
};

/** The fields the tracker adds to a detection; a TrackedFace is a valid protocol Face (extra fields aside). */
export type TrackFields = {
  /**
   * Stable per camera (per FaceTracker), 1, 2, 3…; absent until the track is confirmed (`minHits`) and for a
   * detection no track took, as in the protocol's Face.
   */
  trackId?: number;
  /**
   * The tracker's own number for the track, from its first observation on (tentative tracks included, unlike
   * `trackId`); not shown to people. The alert rule counts a track's frames by it, so that the frames before the
   * track got its id count too.
   */
  trackKey?: number;
  /** Voted label, null until decided (see TrackVote). */
  trackLabel: MaskLabel | null;
  /** Confidence of trackLabel, 0..1; null with it. */
  trackScore: number | null;
  /** Frames the track has been seen in, this one included; 0 for a detection no track took. */
  trackAge: number;
  /** The track's look so far (an average of its detections' appearances), with its id, when they had one. */
  trackAppearance?: number[];
};

export type TrackedFace<D extends TrackDetection = TrackDetection> = D & TrackFields;

/** A confirmed track that ended: reported once, by the update (or endAll) that ended it. */
export type EndedTrack = {
  trackId: number;
  trackKey: number;
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
  /**
   * ...or after two observations in a row at least this far apart (ms), so that at a frame every second or two a
   * person gets an id as soon as they are seen twice, not after 3-5 s. Default 500 (never at 5 fps).
   */
  confirmAfterMs?: number;
  /**
   * A confirmed track ends when it has been unseen for longer than this (ms) and in at least `maxLostFrames`
   * analysed frames in a row; until then a face that comes back (by motion, or by its look after a while) keeps its
   * id. Default 3000.
   */
  maxLostMs?: number;
  /** See maxLostMs: time without frames is no evidence that someone left. Default 3. */
  maxLostFrames?: number;
  /**
   * The last-chance gate widens with the time since a track was last seen: its buffer (matchBuffer) grows by this
   * share of the box per second beyond the first 200 ms, up to `maxBuffer`, so a face 1-2 s later may have moved a
   * face width or two and still meet its track. Default 0.75.
   */
  bufferPerSecond?: number;
  /** Cap of that buffer. Default 2.5. */
  maxBuffer?: number;
  /**
   * A detection and a track that has been out of sight (missed a frame, or last seen `lookAfterMs` or longer ago)
   * are matched only if their looks (appearanceSimilarity) reach this, when both have one. Default 0.6.
   */
  minSimilarity?: number;
  /** See minSimilarity. Default 1000. */
  lookAfterMs?: number;
  /**
   * The motion model carries a track's box along its velocity for at most this long (ms) after it was last seen;
   * after a longer gap the box waits where it got to (the widening gate does the rest) and the track, when seen
   * again, starts its motion model afresh (its old velocity says nothing any more). Default 1000.
   */
  predictMs?: number;
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

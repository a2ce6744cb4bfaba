import type { MaskLabel } from '@maskwatch/protocol/faces';

export type TrackVoteOptions = {
  /** How many of the track's most recent observations the vote looks at. */
  window: number;
  /** No label before this many observations. */
  minObservations: number;
  /** Share of the window that must agree with the voted side (mask vs not mask), 0..1. */
  minConsensus: number;
  /** The operating point: a frame says "mask" when p(mask) >= this (the manifest's τ, issue 7). */
  maskThreshold: number;
  /** The operating point's r: non-compliant is `incorrect` when p(incorrect) >= r · p(no_mask). Default 1. */
  incorrectRatio?: number;
};

/** The track's voted label and its confidence; both null until the vote is decided. */
export type TrackVerdict = {
  label: MaskLabel | null;
  /** Agreeing share × mean confidence of the agreeing frames (p(mask), or 1 − p(mask) for the other labels), 0..1. */
  score: number | null;
};

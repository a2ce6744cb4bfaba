import type { Box } from '@maskwatch/protocol/faces';

import { BoxKalmanFilter } from './BoxKalmanFilter.ts';
import type { EndedTrack, TrackFields } from './FaceTrackerTypes.ts';
import { TrackVote, type TrackVoteOptions } from './TrackVote.ts';

/** `tentative`: seen fewer than minHits times, no id yet; `tracked`: seen in the last update; `lost`: missed since. */
export type TrackState = 'tentative' | 'tracked' | 'lost';

/** One face followed across frames: its motion filter, its vote and its life. Owned by FaceTracker. */
export class Track {
  id: number | null = null;
  state: TrackState = 'tentative';
  hits = 1;
  readonly firstSeenMs: number;
  lastSeenMs: number;
  lastBox: Box;
  readonly #filter: BoxKalmanFilter;
  readonly #vote: TrackVote;
  #predictedAtMs: number;

  constructor(box: Box, probabilities: readonly number[], tsMs: number, vote: Readonly<TrackVoteOptions>) {
    this.#filter = new BoxKalmanFilter(box);
    this.#vote = new TrackVote(vote);
    this.#vote.add(probabilities);
    this.firstSeenMs = tsMs;
    this.lastSeenMs = tsMs;
    this.#predictedAtMs = tsMs;
    this.lastBox = box;
  }

  /** Moves the motion model to `tsMs` and returns the box it expects there. */
  predict(tsMs: number): Box {
    this.#filter.predict((tsMs - this.#predictedAtMs) / 1000);
    this.#predictedAtMs = Math.max(this.#predictedAtMs, tsMs);
    return this.#filter.box();
  }

  /** Takes this frame's detection. */
  observe(box: Box, probabilities: readonly number[], tsMs: number): void {
    this.#filter.update(box);
    this.#vote.add(probabilities);
    this.hits++;
    this.lastSeenMs = tsMs;
    this.lastBox = box;
    if (this.state === 'lost') this.state = 'tracked';
  }

  /** Not seen in this update. */
  miss(): void {
    if (this.state === 'tracked') {
      this.state = 'lost';
      this.#filter.freezeSize();
    }
  }

  fields(): TrackFields {
    const { label, score } = this.#vote.verdict;
    const fields: TrackFields = { trackLabel: label, trackScore: score, trackAge: this.hits };
    if (this.id !== null) fields.trackId = this.id;
    return fields;
  }

  ended(reason: EndedTrack['reason']): EndedTrack {
    const { label, score } = this.#vote.verdict;
    return {
      trackId: this.id!,
      label,
      score,
      age: this.hits,
      firstSeenMs: this.firstSeenMs,
      lastSeenMs: this.lastSeenMs,
      lastBox: this.lastBox,
      reason,
    };
  }
}

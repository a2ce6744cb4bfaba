import type { Box } from '@maskwatch/protocol/faces';

import { AppearanceModel, type Appearance } from './appearance.ts';
import { BoxKalmanFilter } from './BoxKalmanFilter.ts';
import type { EndedTrack, TrackFields } from './FaceTrackerTypes.ts';
import { TrackVote, type TrackVoteOptions } from './TrackVote.ts';

/** `tentative`: seen fewer than minHits times, no id yet; `tracked`: seen in the last update; `lost`: missed since. */
export type TrackState = 'tentative' | 'tracked' | 'lost';

/** One face followed across frames: its motion filter, its vote and its life. Owned by FaceTracker. */
export class Track {
  id: number | null = null;
  /** Its number from the first observation on (`trackKey`), while `id` waits for confirmation. */
  readonly key: number;
  state: TrackState = 'tentative';
  hits = 1;
  /** Updates in a row that did not see it (0 when seen in the last one). */
  misses = 0;
  readonly firstSeenMs: number;
  lastSeenMs: number;
  lastBox: Box;
  #filter: BoxKalmanFilter;
  readonly #horizonMs: number;
  readonly #vote: TrackVote;
  readonly #appearance = new AppearanceModel();
  #predictedAtMs: number;

  constructor(
    box: Box,
    probabilities: readonly number[],
    tsMs: number,
    vote: Readonly<TrackVoteOptions>,
    appearance: Appearance | undefined,
    horizonMs: number,
    key: number,
  ) {
    this.key = key;
    this.#filter = new BoxKalmanFilter(box);
    this.#horizonMs = horizonMs;
    this.#vote = new TrackVote(vote);
    this.#vote.add(probabilities);
    if (appearance !== undefined) this.#appearance.add(appearance);
    this.firstSeenMs = tsMs;
    this.lastSeenMs = tsMs;
    this.#predictedAtMs = tsMs;
    this.lastBox = box;
  }

  /**
   * Moves the motion model to `tsMs`, but not further than the horizon past the last observation (a velocity
   * measured over a second says nothing of where someone is ten seconds later: beyond it the box waits where it
   * got to, and the matching gate widens instead), and returns the box it expects there.
   */
  predict(tsMs: number): Box {
    const to = Math.min(tsMs, this.lastSeenMs + this.#horizonMs);
    if (to > this.#predictedAtMs) {
      this.#filter.predict((to - this.#predictedAtMs) / 1000);
      this.#predictedAtMs = to;
    }
    return this.#filter.box();
  }

  /** The look it has had so far (an average of its detections' appearances); undefined if none had one. */
  get appearance(): number[] | undefined {
    return this.#appearance.known ? this.#appearance.value() : undefined;
  }

  /** Takes this frame's detection. */
  observe(box: Box, probabilities: readonly number[], tsMs: number, appearance?: Appearance): void {
    if (tsMs - this.lastSeenMs > this.#horizonMs) {
      // Seen again after longer than the horizon: how it moved meanwhile is unknown, so is its velocity.
      this.#filter = new BoxKalmanFilter(box);
      this.#predictedAtMs = tsMs;
    } else this.#filter.update(box);
    this.#vote.add(probabilities);
    if (appearance !== undefined) this.#appearance.add(appearance);
    this.hits++;
    this.misses = 0;
    this.lastSeenMs = tsMs;
    this.lastBox = box;
    if (this.state === 'lost') this.state = 'tracked';
  }

  /** Not seen in this update. */
  miss(): void {
    this.misses++;
    if (this.state === 'tracked') {
      this.state = 'lost';
      this.#filter.freezeSize();
    }
  }

  fields(): TrackFields {
    const { label, score } = this.#vote.verdict;
    const fields: TrackFields = { trackKey: this.key, trackLabel: label, trackScore: score, trackAge: this.hits };
    if (this.id !== null) {
      fields.trackId = this.id;
      const appearance = this.appearance;
      if (appearance !== undefined) fields.trackAppearance = appearance;
    }
    return fields;
  }

  ended(reason: EndedTrack['reason']): EndedTrack {
    const { label, score } = this.#vote.verdict;
    return {
      trackId: this.id!,
      trackKey: this.key,
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

import { MASK_LABELS } from '@maskwatch/protocol/faces';
import { z } from 'zod';

import { VisionError } from '../VisionError.ts';
import { associate } from './associate.ts';
import type {
  EndedTrack,
  FaceTrackerOptions,
  FaceTrackerUpdate,
  TrackDetection,
  TrackedFace,
  TrackFields,
} from './FaceTrackerTypes.ts';
import { Track } from './Track.ts';
import type { TrackVoteOptions } from './TrackVoteTypes.ts';

export type {
  EndedTrack,
  FaceTrackerOptions,
  FaceTrackerUpdate,
  TrackDetection,
  TrackedFace,
  TrackFields,
} from './FaceTrackerTypes.ts';

const unit = z.number().min(0).max(1);
const OptionsSchema = z
  .strictObject({
    highScore: unit.default(0.6),
    lowScore: unit.default(0.3),
    matchIou: unit.default(0.2),
    lowMatchIou: unit.default(0.5),
    matchBuffer: z.number().min(0).max(2).default(0.5),
    minHits: z.number().int().min(1).max(100).default(3),
    maxLostMs: z.number().min(0).max(600_000).default(1500),
    voteWindow: z.number().int().min(1).max(100).default(10),
    minVotes: z.number().int().min(1).default(3),
    minConsensus: unit.default(0.6),
    maskThreshold: unit.default(0.5),
    incorrectRatio: z.number().positive().max(1e6).default(1),
  })
  .refine((o) => o.lowScore <= o.highScore, { message: 'lowScore must not exceed highScore', path: ['lowScore'] })
  .refine((o) => o.minVotes <= o.voteWindow, { message: 'minVotes must not exceed voteWindow', path: ['minVotes'] });
type ResolvedOptions = z.output<typeof OptionsSchema>;

const UNTRACKED: Readonly<TrackFields> = Object.freeze({
  trackLabel: null,
  trackScore: null,
  trackAge: 0,
});

/**
 * Follows the faces of one camera across its analysed frames (SORT/ByteTrack style): a constant-velocity Kalman
 * filter predicts each track's box at the new frame's time; detections are matched to the predictions by IoU in
 * stages (high-score detections to every confirmed track, low-score ones to the tracks still unmatched, then new
 * tracks, then a widened-box last chance), each stage an optimal assignment. A track gets a stable id once seen
 * `minHits` times; its label is a vote over its recent frames (TrackVote); it ends when unseen for `maxLostMs`.
 *
 * Pure computation: no I/O, no timers. Time comes only from the `tsMs` of each update (the frame's capture time),
 * so a stalled camera ends nothing until its next update or `endAll()`.
 */
export class FaceTracker {
  readonly options: Readonly<ResolvedOptions>;
  readonly #vote: Readonly<TrackVoteOptions>;
  #tracks: Track[] = [];
  #nextId = 1;
  #lastTsMs = -Infinity;

  constructor(options: FaceTrackerOptions = {}) {
    const parsed = OptionsSchema.safeParse(options);
    if (!parsed.success) {
      throw new VisionError(
        'INVALID_ARGUMENT',
        `tracker options: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(options)'}: ${i.message}`).join('; ')}`,
      );
    }
    this.options = Object.freeze(parsed.data);
    this.#vote = Object.freeze({
      window: parsed.data.voteWindow,
      minObservations: parsed.data.minVotes,
      minConsensus: parsed.data.minConsensus,
      maskThreshold: parsed.data.maskThreshold,
      incorrectRatio: parsed.data.incorrectRatio,
    });
  }

  /** Tracks alive now, tentative ones included. */
  get trackCount(): number {
    return this.#tracks.length;
  }

  /**
   * Takes one frame's detections, captured at `tsMs` (ms; a time earlier than the last one counts as no time
   * passing). Returns one TrackedFace per detection, in the order given, and the tracks that ended. Call it for
   * frames without faces too (`update([], ts)`): that is how tracks age and end.
   */
  update<D extends TrackDetection>(detections: readonly D[], tsMs: number): FaceTrackerUpdate<D> {
    if (!Number.isFinite(tsMs))
      throw new VisionError('INVALID_ARGUMENT', `tracker: tsMs ${tsMs} is not a finite number`);
    detections.forEach(checkDetection);
    const now = Math.max(tsMs, this.#lastTsMs);
    this.#lastTsMs = now;
    const { highScore, lowScore, matchIou, lowMatchIou, matchBuffer, maxLostMs, minHits } = this.options;

    // End confirmed tracks unseen for too long before matching, so a face back after that starts a new track.
    const ended: EndedTrack[] = [];
    this.#tracks = this.#tracks.filter((track) => {
      if (track.id === null || now - track.lastSeenMs <= maxLostMs) return true;
      ended.push(track.ended('lost'));
      return false;
    });

    const predicted = this.#tracks.map((track) => track.predict(now));
    const owner: Array<Track | null> = detections.map(() => null);
    const matched = new Set<Track>();
    const take = (trackIdx: number, detIdx: number): void => {
      const track = this.#tracks[trackIdx]!;
      const det = detections[detIdx]!;
      track.observe(det.box, det.probabilities, now);
      matched.add(track);
      owner[detIdx] = track;
    };
    const high: number[] = [];
    const low: number[] = [];
    detections.forEach((d, i) => {
      if (d.detScore >= highScore) high.push(i);
      else if (d.detScore >= lowScore) low.push(i);
    });
    const stage = (trackIdx: number[], detIdx: number[], minIou: number, buffer: number): void => {
      if (trackIdx.length === 0 || detIdx.length === 0) return;
      const pairs = associate(
        trackIdx.map((t) => predicted[t]!),
        detIdx.map((d) => detections[d]!.box),
        minIou,
        buffer,
      );
      for (const [t, d] of pairs) take(trackIdx[t]!, detIdx[d]!);
    };
    const free = (pick: (track: Track) => boolean): number[] => {
      const out: number[] = [];
      for (let i = 0; i < this.#tracks.length; i++) {
        const track = this.#tracks[i]!;
        if (!matched.has(track) && pick(track)) out.push(i);
      }
      return out;
    };
    const freeHigh = (): number[] => high.filter((d) => owner[d] === null);

    // 1. High-score detections to confirmed tracks, seen or lost.
    stage(
      free((t) => t.state !== 'tentative'),
      high,
      matchIou,
      0,
    );
    // 2. Low-score detections to the confirmed tracks seen last frame that are still free.
    stage(
      free((t) => t.state === 'tracked'),
      low,
      lowMatchIou,
      0,
    );
    // 3. Remaining high-score detections to tentative tracks.
    stage(
      free((t) => t.state === 'tentative'),
      freeHigh(),
      matchIou,
      0,
    );
    // 4. Last chance, widened boxes: a fast face, or a young track whose velocity is not known yet.
    if (matchBuffer > 0)
      stage(
        free(() => true),
        freeHigh(),
        matchIou,
        matchBuffer,
      );

    for (const track of this.#tracks) {
      if (!matched.has(track)) track.miss();
      else if (track.id === null && track.hits >= minHits) this.#confirm(track);
    }
    // A tentative track that missed a frame was noise (or will start again).
    this.#tracks = this.#tracks.filter((track) => track.id !== null || matched.has(track));
    for (const d of freeHigh()) {
      const det = detections[d]!;
      const track = new Track(det.box, det.probabilities, now, this.#vote);
      if (minHits <= 1) this.#confirm(track);
      this.#tracks.push(track);
      owner[d] = track;
    }

    // Object.assign, not a spread: V8 spreads these objects an order of magnitude slower (measured, bench:track).
    const faces = detections.map((det, i) => Object.assign({}, det, owner[i]?.fields() ?? UNTRACKED) as TrackedFace<D>);
    return { faces, ended };
  }

  /** Ends every track (the camera's analysis stopped): returns the confirmed ones, once. Ids keep counting. */
  endAll(): EndedTrack[] {
    const ended = this.#tracks.filter((track) => track.id !== null).map((track) => track.ended('flushed'));
    this.#tracks = [];
    return ended;
  }

  #confirm(track: Track): void {
    track.id = this.#nextId++;
    track.state = 'tracked';
  }
}

function checkDetection(det: TrackDetection, index: number): void {
  const { box, probabilities } = det;
  let ok =
    Array.isArray(box) &&
    box.length === 4 &&
    Number.isFinite(det.detScore) &&
    Array.isArray(probabilities) &&
    probabilities.length === MASK_LABELS.length;
  for (let i = 0; ok && i < 4; i++) ok = Number.isFinite(box[i]);
  for (let i = 0; ok && i < MASK_LABELS.length; i++) ok = Number.isFinite(probabilities[i]);
  if (!ok) {
    throw new VisionError(
      'INVALID_ARGUMENT',
      `tracker: detection ${index} needs a finite box [x1, y1, x2, y2], a detScore and ${MASK_LABELS.length} probabilities (${MASK_LABELS.join(', ')})`,
    );
  }
}

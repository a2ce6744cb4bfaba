import { MASK_LABELS } from '@maskwatch/protocol/faces';
import { z } from 'zod';

import { VisionError } from '../VisionError.ts';
import { APPEARANCE_LENGTH, appearanceSimilarity } from './appearance.ts';
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
/** FaceTrackerOptions, checked (unknown keys refused), defaults filled in. */
export const FaceTrackerOptionsSchema = z
  .strictObject({
    highScore: unit.default(0.6),
    lowScore: unit.default(0.3),
    matchIou: unit.default(0.2),
    lowMatchIou: unit.default(0.5),
    matchBuffer: z.number().min(0).max(2).default(0.5),
    minHits: z.number().int().min(1).max(100).default(3),
    confirmAfterMs: z.number().min(0).max(60_000).default(500),
    maxLostMs: z.number().min(0).max(600_000).default(3000),
    maxLostFrames: z.number().int().min(1).max(1000).default(3),
    bufferPerSecond: z.number().min(0).max(10).default(0.75),
    maxBuffer: z.number().min(0).max(10).default(2.5),
    minSimilarity: unit.default(0.6),
    lookAfterMs: z.number().min(0).max(600_000).default(1000),
    predictMs: z.number().min(0).max(60_000).default(1000),
    voteWindow: z.number().int().min(1).max(100).default(10),
    minVotes: z.number().int().min(1).default(3),
    minConsensus: unit.default(0.6),
    maskThreshold: unit.default(0.5),
    incorrectRatio: z.number().positive().max(1e6).default(1),
  })
  .refine((o) => o.lowScore <= o.highScore, { message: 'lowScore must not exceed highScore', path: ['lowScore'] })
  .refine((o) => o.minVotes <= o.voteWindow, { message: 'minVotes must not exceed voteWindow', path: ['minVotes'] });
type ResolvedOptions = z.output<typeof FaceTrackerOptionsSchema>;

const UNTRACKED: Readonly<TrackFields> = Object.freeze({
  trackLabel: null,
  trackScore: null,
  trackAge: 0,
});

/**
 * Follows the faces of one camera across its analysed frames (SORT/ByteTrack style): a constant-velocity Kalman
 * filter predicts each track's box at the new frame's time; detections are matched to the predictions by IoU in
 * stages (high-score detections to every confirmed track, low-score ones to the tracks still unmatched, then new
 * tracks, then a widened-box last chance, then the same around the box where each track was last seen, for a
 * prediction that shot past a face that stopped), each stage an optimal assignment. A track gets a stable id once seen
 * `minHits` times (or twice `confirmAfterMs` apart); its label is a vote over its recent frames (TrackVote); it
 * ends when unseen for `maxLostMs` and `maxLostFrames` frames.
 *
 * Frame rates vary (5 fps, or one frame in 2 s on a loaded node, or frames skipped on purpose): everything that
 * depends on time takes the real gap. The last-chance gate widens with the time since a track was seen; a track
 * out of sight for a while is matched only to a detection that looks like it (appearance, when detections carry
 * one), so a widened gate does not hand one person's id to another.
 *
 * Pure computation: no I/O, no timers. Time comes only from the `tsMs` of each update (the frame's capture time),
 * so a stalled camera ends nothing until its next update or `endAll()`.
 */
export class FaceTracker {
  readonly options: Readonly<ResolvedOptions>;
  readonly #vote: Readonly<TrackVoteOptions>;
  #tracks: Track[] = [];
  #nextId = 1;
  #nextKey = 1;
  #lastTsMs = -Infinity;

  constructor(options: FaceTrackerOptions = {}) {
    const parsed = FaceTrackerOptionsSchema.safeParse(options);
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
    const o = this.options;
    const { highScore, lowScore, matchIou, lowMatchIou, matchBuffer, maxLostMs, maxLostFrames } = o;

    // End confirmed tracks unseen for too long before matching, so a face back after that starts a new track.
    const ended: EndedTrack[] = [];
    this.#tracks = this.#tracks.filter((track) => {
      if (track.id === null || now - track.lastSeenMs <= maxLostMs || track.misses < maxLostFrames) return true;
      ended.push(track.ended('lost'));
      return false;
    });

    const predicted = this.#tracks.map((track) => track.predict(now));
    // The last-chance buffer of each track: wider the longer it has not been seen.
    const widened = this.#tracks.map((track) =>
      Math.min(
        Math.max(matchBuffer, o.maxBuffer),
        matchBuffer + o.bufferPerSecond * Math.max(0, (now - track.lastSeenMs) / 1000 - 0.2),
      ),
    );
    // A track out of sight for a while must look like the detection (when both have a look).
    const looksApart = (trackIdx: number, detIdx: number): boolean => {
      const track = this.#tracks[trackIdx]!;
      if (track.misses === 0 && now - track.lastSeenMs < o.lookAfterMs) return false;
      const look = detections[detIdx]!.appearance;
      const known = look === undefined ? undefined : track.appearance;
      if (look === undefined || known === undefined) return false;
      const similarity = appearanceSimilarity(known, look);
      return similarity !== null && similarity < o.minSimilarity;
    };
    const owner: Array<Track | null> = detections.map(() => null);
    const matched = new Set<Track>();
    const take = (trackIdx: number, detIdx: number): void => {
      const track = this.#tracks[trackIdx]!;
      const det = detections[detIdx]!;
      track.observe(det.box, det.probabilities, now, det.appearance);
      matched.add(track);
      owner[detIdx] = track;
    };
    const high: number[] = [];
    const low: number[] = [];
    detections.forEach((d, i) => {
      if (d.detScore >= highScore) high.push(i);
      else if (d.detScore >= lowScore) low.push(i);
    });
    const stage = (trackIdx: number[], detIdx: number[], minIou: number, wide: boolean, from = predicted): void => {
      if (trackIdx.length === 0 || detIdx.length === 0) return;
      const pairs = associate(
        trackIdx.map((t) => from[t]!),
        detIdx.map((d) => detections[d]!.box),
        minIou,
        wide ? trackIdx.map((t) => widened[t]!) : 0,
        (t, d) => !looksApart(trackIdx[t]!, detIdx[d]!),
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
      false,
    );
    // 2. Low-score detections to the confirmed tracks seen last frame that are still free.
    stage(
      free((t) => t.state === 'tracked'),
      low,
      lowMatchIou,
      false,
    );
    // 3. Remaining high-score detections to tentative tracks.
    stage(
      free((t) => t.state === 'tentative'),
      freeHigh(),
      matchIou,
      false,
    );
    // 4. Last chance, widened boxes: a fast face, a young track whose velocity is not known yet, a face seen
    //    seconds ago (a slow frame rate, or out of sight for a moment).
    if (matchBuffer > 0 || o.bufferPerSecond > 0) {
      stage(
        free(() => true),
        freeHigh(),
        matchIou,
        true,
      );
      // 5. The prediction overshot: a face that stopped, turned back or jumped (a looped clip, a person sitting
      //    down) after one fast step is near where it was last seen, not where its velocity would take it.
      stage(
        free((t) => t.state !== 'tentative'),
        freeHigh(),
        matchIou,
        true,
        this.#tracks.map((track) => track.lastBox),
      );
    }

    for (const track of this.#tracks) {
      if (!matched.has(track)) track.miss();
      else if (track.id === null && this.#confirmed(track, now)) this.#confirm(track);
    }
    // A tentative track that missed a frame was noise (or will start again).
    this.#tracks = this.#tracks.filter((track) => track.id !== null || matched.has(track));
    for (const d of freeHigh()) {
      const det = detections[d]!;
      const track = new Track(det.box, det.probabilities, now, this.#vote, det.appearance, o.predictMs, this.#nextKey++);
      if (o.minHits <= 1) this.#confirm(track);
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

  /** Seen `minHits` times in a row, or twice `confirmAfterMs` apart (a slow frame rate). */
  #confirmed(track: Track, now: number): boolean {
    const { minHits, confirmAfterMs } = this.options;
    return track.hits >= minHits || (track.hits >= 2 && now - track.firstSeenMs >= confirmAfterMs);
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
  const look = det.appearance;
  if (ok && look !== undefined) {
    ok = Array.isArray(look) && look.length === APPEARANCE_LENGTH;
    for (let i = 0; ok && i < APPEARANCE_LENGTH; i++) ok = Number.isFinite(look[i]) && look[i]! >= 0;
  }
  if (!ok) {
    throw new VisionError(
      'INVALID_ARGUMENT',
      `tracker: detection ${index} needs a finite box [x1, y1, x2, y2], a detScore, ${MASK_LABELS.length} probabilities (${MASK_LABELS.join(', ')}) and, if any, an appearance of ${APPEARANCE_LENGTH} non-negative numbers`,
    );
  }
}

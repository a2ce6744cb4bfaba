import { ALERT_LABELS, type AlertLabel } from '@maskwatch/protocol/alerts';
import type { Box, Face, FrameResult } from '@maskwatch/protocol/faces';
import { appearanceSimilarity } from '@maskwatch/vision/track/appearance';

/** When a person raises, is reminded, resolves. Times in ms (capture times of the results, server clock). */
export type RuleSettings = {
  /** The track's voted confidence must reach this (the model's `alertMinScore`). */
  minScore: number;
  /** The voted non-compliant label must hold this many observations that count (below)... */
  minObservations: number;
  /** ...or at least two of them this far apart, whichever comes first (a slow frame rate). */
  minDurationMs: number;
  /** An observation counts only on a face at least this big (longer side, pixels of the analysed frame)... */
  minFaceSide: number;
  /** ...that the detector is at least this sure of. */
  minDetScore: number;
  /** The same person is not alerted on again for this long after their alert closed (mask on, or left). */
  cooldownMs: number;
  /** A person still non-compliant is told again after this long (0: never)... */
  reminderMs: number;
  /** ...at most this many times per alert. */
  maxReminders: number;
  /**
   * A person missing from this camera's results for this long has left (and so has their track), or for
   * `goneFrames` of its result gaps if that is longer (a camera analysed once every 2 s is not left by someone
   * between two frames). Time without results is no evidence: only results without the person are...
   */
  trackGoneMs: number;
  goneFrames: number;
  /** ...unless the camera has sent none for this long (its analysis stopped): then everyone in it has gone. */
  silentMs: number;
  /**
   * The person of a new track is someone the rule alerted on (within the cooldown) when they look alike (appearance
   * similarity at least this, when both looks are known)...
   */
  sameMinSimilarity: number;
  /**
   * ...and their face is within this many face sizes of where that person was last seen, plus
   * `sameDistancePerSecond` for every second since, up to `sameMaxDistance`. Without looks, only this near and only
   * within `trackGoneMs`.
   */
  sameDistance: number;
  sameDistancePerSecond: number;
  sameMaxDistance: number;
};

export const DEFAULT_RULE: Omit<RuleSettings, 'minScore' | 'cooldownMs' | 'reminderMs' | 'maxReminders'> = {
  minObservations: 3,
  minDurationMs: 1000,
  minFaceSide: 28,
  minDetScore: 0.7,
  trackGoneMs: 3000,
  goneFrames: 3,
  silentMs: 30_000,
  sameMinSimilarity: 0.75,
  sameDistance: 1.5,
  sameDistancePerSecond: 0.5,
  sameMaxDistance: 12,
};

/** What the rule decided; `key` names the alert within this rule (the service maps it to the stored id). */
export type RuleDecision =
  | {
      kind: 'raise';
      key: number;
      label: AlertLabel;
      confidence: number;
      /** Capture time of the first frame of the run that raised it. */
      firstSeenAt: number;
      /** The frame that decided it, the offender in it, and every other face (to blur in the snapshot). */
      result: FrameResult;
      face: Face & { trackId: number };
      blur: Box[];
    }
  | { kind: 'remind'; key: number; at: number; label: AlertLabel; confidence: number }
  /** Non-compliant again (after the mask went on, or back after leaving); `told`: the sentence is said (a reminder). */
  | { kind: 'reopen'; key: number; at: number; label: AlertLabel; confidence: number; told: boolean }
  | { kind: 'resolve'; key: number; at: number }
  | { kind: 'end'; key: number; at: number };

/** A person the rule alerted on: remembered while the alert is open and for the cooldown after it closed. */
type Offender = {
  key: number;
  state: 'open' | 'resolved' | 'ended';
  /** When the alert closed (resolved or ended); null while open. */
  closedAt: number | null;
  told: number;
  lastTold: number;
  lastSeen: number;
  lastBox: Box;
  appearance: readonly number[] | undefined;
};

/** Observations in a row: when the first was, and how many. */
type Run = { start: number | null; count: number };

const newRun = (): Run => ({ start: null, count: 0 });

function extend(run: Run, ts: number): void {
  run.start ??= ts;
  run.count += 1;
}

function clear(run: Run): void {
  run.start = null;
  run.count = 0;
}

type TrackState = {
  lastSeen: number;
  /** The current run of confident, voted non-compliant observations that count. */
  voted: Run;
  /**
   * The current run of observations that count whose own frame label is non-compliant (a frame labelled `mask`
   * breaks it). The vote needs several observations before it decides; when those frames agree they are the
   * evidence the rule asks for, and the alert need not wait for as many voted observations after them.
   */
  frames: Run;
  /** The person this track is (once recognised or alerted on). */
  offender: Offender | null;
};

/** Result gaps kept to judge this camera's frame rate. */
const GAPS = 8;

function isAlertLabel(label: string | null | undefined): label is AlertLabel {
  return (ALERT_LABELS as readonly string[]).includes(label ?? '');
}

/**
 * The rule's key for a face's track: the tracker's `trackKey` (from the track's first frame on), else its id (a node
 * that sends no keys); undefined for a face no track took.
 */
function trackKeyOf(face: { trackKey?: number | undefined; trackId?: number | undefined }): string | undefined {
  if (face.trackKey !== undefined) return `k${face.trackKey}`;
  return face.trackId !== undefined ? `i${face.trackId}` : undefined;
}

const hasTrackId = (face: Face): face is Face & { trackId: number } => face.trackId !== undefined;

const side = (box: Box): number => Math.max(box[2] - box[0], box[3] - box[1]);
const centre = (box: Box): [number, number] => [(box[0] + box[2]) / 2, (box[1] + box[3]) / 2];

/**
 * The alert rule of one camera (pure: results in, decisions out, no clock of its own). Alerts are per person, not
 * per track: a track whose voted label is `no_mask` or `incorrect` with confidence at least `minScore`, on
 * `minObservations` observations of a face big and sure enough (or two `minDurationMs` apart), raises one alert
 * for its person; the observations are voted ones in a row, or the frames in a row whose own labels are
 * non-compliant once the vote agrees with them (the vote decides on its third observation: when those frames agree,
 * the alert comes then, not two observations later). The rule remembers that person (where they were, what they look like) while the alert is open
 * and for `cooldownMs` after it closed, so that a new track of the same person (the tracker lost them at a slow
 * frame rate, the analysis restarted, they turned away and back) continues that alert instead of raising another:
 * reminded every `reminderMs` at most `maxReminders` times, resolved when the vote turns to `mask`, reopened if
 * the mask comes off again (said again only when a reminder is due), ended when the person is gone.
 */
export class AlertRule {
  #settings: RuleSettings;
  /** By trackKeyOf: a track is followed from its first frame, before it has an id. */
  readonly #tracks = new Map<string, TrackState>();
  #offenders: Offender[] = [];
  #nextKey = 1;
  #lastSeq: number | undefined;
  #lastTs: number | undefined;
  readonly #gaps: number[] = [];

  constructor(settings: RuleSettings) {
    this.#settings = settings;
  }

  get settings(): RuleSettings {
    return this.#settings;
  }

  set settings(settings: RuleSettings) {
    this.#settings = settings;
  }

  /** Tracks the rule follows now. */
  get trackCount(): number {
    return this.#tracks.size;
  }

  /** People it remembers now (open alerts, and closed ones within the cooldown). */
  get offenderCount(): number {
    return this.#offenders.length;
  }

  observe(result: FrameResult): RuleDecision[] {
    const s = this.#settings;
    const ts = result.ts;
    // Track ids start again at 1 when the camera's analysis starts again (another node, a restart): the new ids
    // are new tracks. The people stay remembered.
    if (result.seq !== undefined && this.#lastSeq !== undefined && result.seq <= this.#lastSeq) this.#tracks.clear();
    if (result.seq !== undefined) this.#lastSeq = result.seq;
    this.#frameGap(ts);
    for (const ended of result.endedTracks ?? []) this.#tracks.delete(trackKeyOf(ended)!);

    const faces = result.faces.filter((face) => trackKeyOf(face) !== undefined);
    const states = faces.map((face) => {
      const key = trackKeyOf(face)!;
      let track = this.#tracks.get(key);
      if (!track) {
        track = { lastSeen: ts, voted: newRun(), frames: newRun(), offender: null };
        this.#tracks.set(key, track);
      }
      track.lastSeen = Math.max(track.lastSeen, ts);
      return track;
    });
    // People already known by their track in this frame first, so that nobody else in it can be taken for them.
    const present = new Set<Offender>();
    faces.forEach((face, i) => {
      const offender = states[i]!.offender;
      if (!offender) return;
      if (present.has(offender)) states[i]!.offender = null; // two faces cannot be one person
      else this.#see(offender, face, ts, present);
    });

    const decisions: RuleDecision[] = [];
    faces.forEach((face, i) => {
      const track = states[i]!;
      if (!track.offender) {
        const known = this.#recognise(face, ts, present);
        if (known) {
          track.offender = known;
          this.#see(known, face, ts, present);
        }
      }
      const offender = track.offender;
      const label = face.trackLabel;
      const score = face.trackScore ?? 0;
      const counts = side(face.box) >= s.minFaceSide && (face.detScore ?? 1) >= s.minDetScore;
      if (counts && isAlertLabel(face.label)) extend(track.frames, ts);
      else if (counts) clear(track.frames);
      if (label === 'mask') {
        clear(track.voted);
        clear(track.frames);
        if (offender?.state === 'open') {
          offender.state = 'resolved';
          offender.closedAt = ts;
          decisions.push({ kind: 'resolve', key: offender.key, at: ts });
        }
        return;
      }
      if (!isAlertLabel(label) || score < s.minScore) {
        // Undecided or unsure: the run starts again; an open alert stays open.
        clear(track.voted);
        return;
      }
      // Too small or too unsure a face neither counts nor breaks the run.
      if (!counts) return;
      extend(track.voted, ts);
      const enough = ({ start, count }: Run): boolean =>
        count >= s.minObservations || (count >= 2 && start !== null && ts - start >= s.minDurationMs);
      // Voted observations in a row, or (sooner) the frames behind a fresh vote all saying the same.
      const confirmed = enough(track.voted) || enough(track.frames);
      // An alert names its track: a track not confirmed by the tracker yet (no id) waits for its next frame.
      if (!confirmed || !hasTrackId(face)) return;
      if (!offender) {
        decisions.push(this.#raise(track, face, label, score, result));
        present.add(track.offender!);
        return;
      }
      if (offender.state !== 'open') {
        const told = this.#reminderDue(offender, ts);
        offender.state = 'open';
        offender.closedAt = null;
        if (told) this.#tell(offender, ts);
        decisions.push({ kind: 'reopen', key: offender.key, at: ts, label, confidence: score, told });
      } else if (this.#reminderDue(offender, ts)) {
        this.#tell(offender, ts);
        decisions.push({ kind: 'remind', key: offender.key, at: ts, label, confidence: score });
      }
    });
    // A face no track took (a weak detection, a node that sends no track keys) that looks like someone whose alert
    // is open is a sighting of them: they have not left.
    for (const face of result.faces) {
      if (trackKeyOf(face) !== undefined) continue;
      const known = this.#recognise(face, ts, present);
      if (known?.state === 'open') this.#see(known, face, ts, present);
    }
    decisions.push(...this.sweep(ts));
    return decisions;
  }

  /**
   * Forgets the tracks missing from the results for the gone time (or all, when the camera's results stopped
   * `silentMs` before `now`); ends the open alert of a person gone; forgets people whose alert closed longer than
   * the cooldown ago.
   */
  sweep(now: number): RuleDecision[] {
    const last = this.#lastTs ?? now;
    const gone = this.#goneMs();
    const silent = now - last > this.#settings.silentMs;
    const isGone = (lastSeen: number): boolean => silent || last - lastSeen > gone;
    const decisions: RuleDecision[] = [];
    for (const [id, track] of this.#tracks) {
      if (isGone(track.lastSeen)) this.#tracks.delete(id);
    }
    for (const offender of this.#offenders) {
      if (offender.state === 'open' && isGone(offender.lastSeen)) {
        offender.state = 'ended';
        offender.closedAt = offender.lastSeen;
        decisions.push({ kind: 'end', key: offender.key, at: offender.lastSeen });
      }
    }
    this.#offenders = this.#offenders.filter(
      (o) => o.closedAt === null || now - o.closedAt <= this.#settings.cooldownMs,
    );
    return decisions;
  }

  /** Ends every track and open alert now (the camera's analysis stopped); the people stay remembered. */
  endAll(): RuleDecision[] {
    const decisions: RuleDecision[] = [];
    for (const offender of this.#offenders) {
      if (offender.state !== 'open') continue;
      offender.state = 'ended';
      offender.closedAt = offender.lastSeen;
      decisions.push({ kind: 'end', key: offender.key, at: offender.lastSeen });
    }
    this.#tracks.clear();
    this.#lastSeq = undefined;
    return decisions;
  }

  #raise(
    track: TrackState,
    face: Face & { trackId: number },
    label: AlertLabel,
    score: number,
    result: FrameResult,
  ): RuleDecision {
    const key = this.#nextKey++;
    const offender: Offender = {
      key,
      state: 'open',
      closedAt: null,
      told: 0,
      lastTold: result.ts,
      lastSeen: result.ts,
      lastBox: face.box,
      appearance: face.appearance,
    };
    this.#offenders.push(offender);
    track.offender = offender;
    return {
      kind: 'raise',
      key,
      label,
      confidence: score,
      firstSeenAt: Math.min(track.voted.start ?? result.ts, track.frames.start ?? result.ts),
      result,
      face: { ...face, trackId: face.trackId },
      blur: result.faces.filter((other) => other !== face).map((other) => other.box),
    };
  }

  #see(offender: Offender, face: Face, ts: number, present: Set<Offender>): void {
    offender.lastSeen = Math.max(offender.lastSeen, ts);
    offender.lastBox = face.box;
    if (face.appearance !== undefined) offender.appearance = face.appearance;
    present.add(offender);
  }

  #reminderDue(offender: Offender, ts: number): boolean {
    const s = this.#settings;
    return s.reminderMs > 0 && offender.told < s.maxReminders && ts - offender.lastTold >= s.reminderMs;
  }

  #tell(offender: Offender, ts: number): void {
    offender.told += 1;
    offender.lastTold = ts;
  }

  /** The remembered person, not in this frame already, that `face` most likely is; null if none. */
  #recognise(face: Face, ts: number, present: ReadonlySet<Offender>): Offender | null {
    const s = this.#settings;
    let best: Offender | null = null;
    let bestScore = -Infinity;
    for (const offender of this.#offenders) {
      if (present.has(offender)) continue;
      const away = Math.max(0, ts - offender.lastSeen);
      const size = Math.max(1, side(offender.lastBox));
      const [ax, ay] = centre(offender.lastBox);
      const [bx, by] = centre(face.box);
      const distance = Math.hypot(bx - ax, by - ay) / size;
      const ratio = side(face.box) / size;
      if (ratio < 0.4 || ratio > 2.5) continue;
      const similarity =
        face.appearance !== undefined && offender.appearance !== undefined
          ? appearanceSimilarity(face.appearance, offender.appearance)
          : null;
      let score: number;
      if (similarity === null) {
        if (away > this.#goneMs() || distance > s.sameDistance) continue;
        score = -distance;
      } else {
        const reach = Math.min(s.sameMaxDistance, s.sameDistance + (s.sameDistancePerSecond * away) / 1000);
        if (similarity < s.sameMinSimilarity || distance > reach) continue;
        score = similarity - 0.01 * distance;
      }
      if (score > bestScore) {
        best = offender;
        bestScore = score;
      }
    }
    return best;
  }

  /** Gone time: `trackGoneMs`, or `goneFrames` of this camera's recent result gaps (median) if longer. */
  #goneMs(): number {
    const s = this.#settings;
    if (this.#gaps.length === 0) return s.trackGoneMs;
    const sorted = [...this.#gaps].sort((a, b) => a - b);
    const median = sorted[sorted.length >> 1]!;
    return Math.max(s.trackGoneMs, s.goneFrames * median);
  }

  #frameGap(ts: number): void {
    if (this.#lastTs !== undefined && ts > this.#lastTs) {
      this.#gaps.push(ts - this.#lastTs);
      if (this.#gaps.length > GAPS) this.#gaps.shift();
    }
    this.#lastTs = Math.max(ts, this.#lastTs ?? ts);
  }
}

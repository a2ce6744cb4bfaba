import { ALERT_LABELS, type AlertLabel } from '@maskwatch/protocol/alerts';
import type { Box, Face, FrameResult } from '@maskwatch/protocol/faces';

/** When a track raises, reminds, resolves. Times in ms (capture times of the results, server clock). */
export type RuleSettings = {
  /** The track's voted confidence must reach this (the model's `alertMinScore`). */
  minScore: number;
  /** The voted non-compliant label must hold this many consecutive observations... */
  minObservations: number;
  /** ...or this long, whichever comes first. */
  minDurationMs: number;
  /** After an alert on this camera, another track's alert waits this long (it is raised then if still due). */
  cooldownMs: number;
  /** A person still non-compliant is told again after this long (0: never)... */
  reminderMs: number;
  /** ...at most this many times per alert. */
  maxReminders: number;
  /** A track not seen for this long has ended (the tracker ends them after ~1.5 s). */
  trackGoneMs: number;
};

export const DEFAULT_RULE: Omit<RuleSettings, 'minScore' | 'cooldownMs' | 'reminderMs' | 'maxReminders'> = {
  minObservations: 3,
  minDurationMs: 1000,
  trackGoneMs: 2000,
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
  | { kind: 'reopen'; key: number; at: number; label: AlertLabel; confidence: number }
  | { kind: 'resolve'; key: number; at: number }
  | { kind: 'end'; key: number; at: number };

type TrackState = {
  trackId: number;
  lastSeen: number;
  /** The current run of confident, voted non-compliant observations. */
  runStart: number | null;
  runCount: number;
  alert: { key: number; open: boolean; told: number; lastTold: number } | null;
};

function isAlertLabel(label: string | null | undefined): label is AlertLabel {
  return (ALERT_LABELS as readonly string[]).includes(label ?? '');
}

/**
 * The alert rule of one camera, on tracks (pure: results in, decisions out, no clock of its own). A track whose
 * voted label is `no_mask` or `incorrect` with confidence at least `minScore`, for `minObservations` observations
 * or `minDurationMs`, raises one alert; while the track lives it is not raised again: it is reminded, resolved
 * when the vote turns to `mask`, reopened if the person takes the mask off again, and ended when the track goes.
 * A per-camera cooldown delays (does not drop) the next person's alert.
 */
export class AlertRule {
  #settings: RuleSettings;
  readonly #tracks = new Map<number, TrackState>();
  #lastRaise: number | undefined;
  #nextKey = 1;

  constructor(settings: RuleSettings) {
    this.#settings = settings;
  }

  get settings(): RuleSettings {
    return this.#settings;
  }

  set settings(settings: RuleSettings) {
    this.#settings = settings;
  }

  /** Tracks the rule remembers now. */
  get trackCount(): number {
    return this.#tracks.size;
  }

  observe(result: FrameResult): RuleDecision[] {
    const s = this.#settings;
    const ts = result.ts;
    const decisions: RuleDecision[] = [];
    for (const face of result.faces) {
      if (face.trackId === undefined) continue;
      let track = this.#tracks.get(face.trackId);
      if (!track) {
        track = { trackId: face.trackId, lastSeen: ts, runStart: null, runCount: 0, alert: null };
        this.#tracks.set(face.trackId, track);
      }
      track.lastSeen = Math.max(track.lastSeen, ts);
      const label = face.trackLabel;
      const score = face.trackScore ?? 0;
      if (label === 'mask') {
        track.runStart = null;
        track.runCount = 0;
        if (track.alert?.open) {
          track.alert.open = false;
          decisions.push({ kind: 'resolve', key: track.alert.key, at: ts });
        }
        continue;
      }
      if (!isAlertLabel(label) || score < s.minScore) {
        // Undecided or unsure: the run starts again; an open alert stays open.
        track.runStart = null;
        track.runCount = 0;
        continue;
      }
      track.runStart ??= ts;
      track.runCount += 1;
      const confirmed = track.runCount >= s.minObservations || ts - track.runStart >= s.minDurationMs;
      if (!confirmed) continue;
      const alert = track.alert;
      if (!alert) {
        if (this.#lastRaise !== undefined && ts - this.#lastRaise < s.cooldownMs) continue;
        this.#lastRaise = ts;
        const key = this.#nextKey++;
        track.alert = { key, open: true, told: 0, lastTold: ts };
        decisions.push({
          kind: 'raise',
          key,
          label,
          confidence: score,
          firstSeenAt: track.runStart,
          result,
          face: { ...face, trackId: face.trackId },
          blur: result.faces.filter((other) => other !== face).map((other) => other.box),
        });
      } else if (!alert.open) {
        alert.open = true;
        alert.lastTold = ts;
        decisions.push({ kind: 'reopen', key: alert.key, at: ts, label, confidence: score });
      } else if (s.reminderMs > 0 && alert.told < s.maxReminders && ts - alert.lastTold >= s.reminderMs) {
        alert.told += 1;
        alert.lastTold = ts;
        decisions.push({ kind: 'remind', key: alert.key, at: ts, label, confidence: score });
      }
    }
    decisions.push(...this.sweep(ts));
    return decisions;
  }

  /** Ends the tracks not seen for `trackGoneMs` before `now`; an open alert of one ends with it. */
  sweep(now: number): RuleDecision[] {
    const decisions: RuleDecision[] = [];
    for (const [id, track] of this.#tracks) {
      if (now - track.lastSeen <= this.#settings.trackGoneMs) continue;
      this.#tracks.delete(id);
      if (track.alert?.open) decisions.push({ kind: 'end', key: track.alert.key, at: track.lastSeen });
    }
    return decisions;
  }

  /** Ends every track now (the camera's analysis stopped). */
  endAll(): RuleDecision[] {
    const decisions: RuleDecision[] = [];
    for (const track of this.#tracks.values()) {
      if (track.alert?.open) decisions.push({ kind: 'end', key: track.alert.key, at: track.lastSeen });
    }
    this.#tracks.clear();
    return decisions;
  }
}

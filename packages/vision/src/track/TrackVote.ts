import { MASK_LABELS } from '@maskwatch/protocol/faces';

import type { TrackVerdict, TrackVoteOptions } from './TrackVoteTypes.ts';

export type { TrackVerdict, TrackVoteOptions } from './TrackVoteTypes.ts';

const MASK = MASK_LABELS.indexOf('mask');
const NO_MASK = MASK_LABELS.indexOf('no_mask');
const INCORRECT = MASK_LABELS.indexOf('incorrect');

/**
 * A track's label as a vote over its recent per-frame classifications, so one odd frame (a hand over the mouth,
 * motion blur) neither raises nor clears an alert.
 *
 * Over the last `window` observations: the median p(mask) against the operating point picks the side (mask or
 * not); the share of frames on that side must reach `minConsensus`; a non-compliant side is then `incorrect` or
 * `no_mask` by the median of p(incorrect) / (p(incorrect) + p(no_mask)) over its frames against r / (1 + r), the
 * frame rule p(incorrect) >= r · p(no_mask) of classify/decideLabel.ts (r = 1: whichever is larger). Once decided, a label is
 * held while the window is split (no consensus either way) and changes only when the other side reaches
 * consensus: a viewer never sees it blink back to undecided.
 */
export class TrackVote {
  readonly options: Readonly<TrackVoteOptions>;
  readonly #pMask: Float64Array;
  readonly #ratio: Float64Array;
  readonly #scratch: Float64Array;
  #count = 0;
  #next = 0;
  #verdict: TrackVerdict = { label: null, score: null };

  constructor(options: Readonly<TrackVoteOptions>) {
    this.options = options;
    this.#pMask = new Float64Array(options.window);
    this.#ratio = new Float64Array(options.window);
    this.#scratch = new Float64Array(options.window);
  }

  /** Observations in the window. */
  get size(): number {
    return this.#count;
  }

  get verdict(): TrackVerdict {
    return this.#verdict;
  }

  /** Adds one frame's probabilities (MASK_LABELS order) and returns the new verdict. */
  add(probabilities: readonly number[]): TrackVerdict {
    const pMask = probabilities[MASK]!;
    const pNo = probabilities[NO_MASK]!;
    const pIncorrect = probabilities[INCORRECT]!;
    const rest = pNo + pIncorrect;
    this.#pMask[this.#next] = pMask;
    this.#ratio[this.#next] = rest > 0 ? pIncorrect / rest : 0.5;
    this.#next = (this.#next + 1) % this.options.window;
    if (this.#count < this.options.window) this.#count++;
    this.#verdict = this.#decide();
    return this.#verdict;
  }

  #decide(): TrackVerdict {
    const { minObservations, minConsensus, maskThreshold } = this.options;
    const n = this.#count;
    if (n < minObservations) return { label: null, score: null };

    const compliant = this.#median(this.#pMask, n, false) >= maskThreshold;
    const side = this.#side(compliant);
    if (side.share >= minConsensus) {
      if (compliant) return { label: 'mask', score: side.share * side.meanConfidence };
      const ratio = this.#median(this.#ratio, n, true);
      const r = this.options.incorrectRatio ?? 1;
      return { label: ratio >= r / (1 + r) ? 'incorrect' : 'no_mask', score: side.share * side.meanConfidence };
    }
    // No consensus: keep a decided label (with its now lower confidence), else stay undecided.
    const held = this.#verdict.label;
    if (held === null) return { label: null, score: null };
    const heldSide = (held === 'mask') === compliant ? side : this.#side(held === 'mask');
    return { label: held, score: heldSide.share * heldSide.meanConfidence };
  }

  /** Share of the window on one side of the operating point, and their mean confidence in that side. */
  #side(compliant: boolean): { share: number; meanConfidence: number } {
    const n = this.#count;
    const tau = this.options.maskThreshold;
    let agree = 0;
    let confidence = 0;
    for (let i = 0; i < n; i++) {
      const p = this.#pMask[i]!;
      if (p >= tau === compliant) {
        agree++;
        confidence += compliant ? p : 1 - p;
      }
    }
    return { share: agree / n, meanConfidence: agree > 0 ? confidence / agree : 0 };
  }

  /**
   * Median of the first `n` slots of `values`, or of those whose frame is on the non-compliant side
   * (insertion sort: at most `window` values).
   */
  #median(values: Float64Array, n: number, nonCompliantOnly: boolean): number {
    const s = this.#scratch;
    const tau = this.options.maskThreshold;
    let k = 0;
    for (let i = 0; i < n; i++) {
      if (nonCompliantOnly && this.#pMask[i]! >= tau) continue;
      const v = values[i]!;
      let j = k++;
      while (j > 0 && s[j - 1]! > v) {
        s[j] = s[j - 1]!;
        j--;
      }
      s[j] = v;
    }
    if (k === 0) return 0.5;
    const mid = k >> 1;
    return k % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
  }
}

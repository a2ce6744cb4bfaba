import type { DecisionRule } from '../classify/decideLabel.ts';
import type { FaceTrackerOptions } from './FaceTrackerTypes.ts';

/**
 * The FaceTracker options that make its vote the classifier's (its τ and r from the manifest), so a track's label
 * agrees with the per-frame labels and with `detect` (what an inference node gives every camera's tracker). Without
 * τ the vote keeps its default 0.5, which for calibrated probabilities of three labels is the argmax's "mask" side
 * or stricter.
 */
export function trackerOptions(rule: Readonly<DecisionRule>): FaceTrackerOptions {
  return {
    ...(rule.maskThreshold !== null ? { maskThreshold: rule.maskThreshold } : {}),
    incorrectRatio: rule.incorrectRatio,
  };
}

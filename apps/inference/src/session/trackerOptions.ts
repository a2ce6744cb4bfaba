import type { DecisionRule } from '@maskwatch/vision/classify/decideLabel';
import type { FaceTrackerOptions } from '@maskwatch/vision/track/FaceTrackerTypes';

/**
 * The FaceTracker options of every camera on this node: the vote's operating point is the classifier's (its τ and
 * r from the manifest), so a track's label agrees with the per-frame labels and with `detect`. Without τ the vote
 * keeps its default 0.5, which for calibrated probabilities of three labels is the argmax's "mask" side or stricter.
 */
export function trackerOptions(rule: Readonly<DecisionRule>): FaceTrackerOptions {
  return {
    ...(rule.maskThreshold !== null ? { maskThreshold: rule.maskThreshold } : {}),
    incorrectRatio: rule.incorrectRatio,
  };
}

import { MASK_LABELS, type MaskLabel } from '@maskwatch/protocol/faces';

import type { OperatingPoint } from '../manifest/manifestSchema.ts';
import { softmax } from './softmax.ts';

/**
 * How logits become a label. `maskThreshold` null: the argmax (of softmax(logits / T), i.e. of the logits), which
 * is what a classifier without an operating point does.
 */
export type DecisionRule = { temperature: number; maskThreshold: number | null; incorrectRatio: number };

/** The rule of a manifest operating point; without one (or without τ in it): T as declared (else 1), argmax. */
export function decisionRule(op: OperatingPoint | undefined): DecisionRule {
  return {
    temperature: op?.temperature ?? 1,
    maskThreshold: op?.maskThreshold ?? null,
    incorrectRatio: op?.incorrectRatio ?? 1,
  };
}

export type Decision = {
  label: MaskLabel;
  /** Index of `label` in the model's label order. */
  index: number;
  /** softmax(logits / T) in the model's label order. */
  probabilities: number[];
};

/**
 * THE label rule, shared by the classifier (so `detect` and the pipeline) and, through the same τ and r, by the
 * live track vote (issue 7): `mask` when p(mask) >= τ, else `incorrect` when p(incorrect) >= r · p(no_mask), else
 * `no_mask`, with p = softmax(logits / T). `labels` is the model's label order; a model lacking one of the three
 * mask labels, or a rule without τ, gets the argmax.
 */
export function decideLabel(
  logits: ArrayLike<number>,
  labels: readonly MaskLabel[],
  rule: Readonly<DecisionRule>,
): Decision {
  const probabilities = softmax(logits, rule.temperature);
  const [m, n, i] = MASK_LABELS.map((label) => labels.indexOf(label));
  let index = 0;
  if (rule.maskThreshold !== null && m !== undefined && n !== undefined && i !== undefined && m >= 0 && n >= 0 && i >= 0) {
    if (probabilities[m]! >= rule.maskThreshold) index = m;
    else index = probabilities[i]! >= rule.incorrectRatio * probabilities[n]! ? i : n;
  } else {
    for (let k = 1; k < probabilities.length; k++) if (probabilities[k]! > probabilities[index]!) index = k;
  }
  return { label: labels[index]!, index, probabilities };
}

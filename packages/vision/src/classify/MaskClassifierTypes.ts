import type { MaskLabel } from '@maskwatch/protocol/faces';

import type { SessionConfig } from '../session/SessionConfig.ts';

/** The classifier's verdict on one face crop. */
export type Classification = {
  label: MaskLabel;
  /** Calibrated probability of `label`, 0..1. */
  score: number;
  /** Calibrated probability per label, softmax(logits / T), in the model's label order. */
  probabilities: number[];
  /** Raw model output (what the parity fixtures compare). */
  logits: number[];
};

export type MaskClassifierOptions = {
  session?: SessionConfig;
};

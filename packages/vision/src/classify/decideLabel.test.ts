import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import type { MaskLabel } from '@maskwatch/protocol/faces';

import { decideLabel, decisionRule } from './decideLabel.ts';
import { softmax } from './softmax.ts';

const LABELS: MaskLabel[] = ['mask', 'no_mask', 'incorrect'];
const near = (a: number, b: number, eps = 1e-12): boolean => Math.abs(a - b) <= eps;

describe('decideLabel', () => {
  it('without an operating point: T = 1 and the argmax, probabilities the plain softmax', () => {
    const rule = decisionRule(undefined);
    assert.deepEqual(rule, { temperature: 1, maskThreshold: null, incorrectRatio: 1 });
    const d = decideLabel([0.4, 0.35, -2], LABELS, rule);
    assert.equal(d.label, 'mask');
    assert.equal(d.index, 0);
    softmax([0.4, 0.35, -2]).forEach((p, i) => assert.ok(near(p, d.probabilities[i]!)));
    assert.equal(decideLabel([0, 1, 3], LABELS, rule).label, 'incorrect');
    // a temperature alone rescales the probabilities but keeps the argmax
    const warm = decideLabel([2, 0, 0], LABELS, decisionRule({ temperature: 2 }));
    assert.equal(warm.label, 'mask');
    assert.ok(near(warm.probabilities[0]!, softmax([1, 0, 0])[0]!));
  });

  it('calibrated probabilities are softmax(logits / T), and τ decides mask against them', () => {
    const logits = [2, 0, 0.5];
    const rule = decisionRule({ temperature: 2, maskThreshold: 0.6, incorrectRatio: 1 });
    const d = decideLabel(logits, LABELS, rule);
    const p = softmax([1, 0, 0.25]);
    p.forEach((v, i) => assert.ok(near(v, d.probabilities[i]!)));
    // p(mask) = 0.48 at T = 2: the argmax says mask, τ = 0.6 says not mask; p(incorrect) > p(no_mask)
    assert.ok(p[0]! < 0.6 && p[0]! > p[1]! && p[0]! > p[2]!);
    assert.equal(d.label, 'incorrect');
    assert.equal(decideLabel(logits, LABELS, { ...rule, maskThreshold: 0.45 }).label, 'mask');
    // τ is inclusive: p(mask) exactly τ is mask
    assert.equal(decideLabel(logits, LABELS, { ...rule, maskThreshold: p[0]! }).label, 'mask');
  });

  it('tells incorrect from no_mask by p(incorrect) >= r · p(no_mask)', () => {
    // p(incorrect) / p(no_mask) = e^0.5 ≈ 1.65 at T = 1
    const logits = [-5, 0, 0.5];
    const at = (r: number) => decideLabel(logits, LABELS, { temperature: 1, maskThreshold: 0.5, incorrectRatio: r }).label;
    assert.equal(at(1), 'incorrect');
    assert.equal(at(1.6), 'incorrect');
    assert.equal(at(1.7), 'no_mask');
    assert.equal(at(0.1), 'incorrect');
    // at T = 2 the ratio is e^0.25 ≈ 1.28: r = 1.6 now says no_mask
    assert.equal(decideLabel(logits, LABELS, { temperature: 2, maskThreshold: 0.5, incorrectRatio: 1.6 }).label, 'no_mask');
  });

  it('follows the model label order, and falls back to the argmax for a model without the three mask labels', () => {
    const order: MaskLabel[] = ['incorrect', 'mask', 'no_mask'];
    const d = decideLabel([1, 0.2, 0], order, { temperature: 1, maskThreshold: 0.9, incorrectRatio: 5 });
    // p(mask) (index 1) < 0.9; p(incorrect) / p(no_mask) = e < 5: no_mask, index 2 in this model
    assert.equal(d.label, 'no_mask');
    assert.equal(d.index, 2);
    const two = decideLabel([0.1, 0.3], ['mask', 'no_mask'], { temperature: 1, maskThreshold: 0.9, incorrectRatio: 1 });
    assert.equal(two.label, 'no_mask');
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { TrackVote, type TrackVoteOptions } from './TrackVote.ts';

const defaults: TrackVoteOptions = { window: 10, minObservations: 3, minConsensus: 0.6, maskThreshold: 0.5 };
// Probabilities in MASK_LABELS order: mask, no_mask, incorrect.
const MASK = [0.9, 0.06, 0.04];
const NO_MASK = [0.1, 0.8, 0.1];
const INCORRECT = [0.2, 0.2, 0.6];

const feed = (vote: TrackVote, frames: number[][]): void => {
  for (const p of frames) vote.add(p);
};

describe('TrackVote', () => {
  it('gives no label before 3 observations, then the agreeing label', () => {
    const vote = new TrackVote(defaults);
    assert.deepEqual(vote.add(NO_MASK), { label: null, score: null });
    assert.deepEqual(vote.add(NO_MASK), { label: null, score: null });
    const verdict = vote.add(NO_MASK);
    assert.equal(verdict.label, 'no_mask');
    // All three agree (share 1) with confidence 1 - p(mask) = 0.9.
    assert.ok(Math.abs(verdict.score! - 0.9) < 1e-12);
  });

  it('needs 60 % of the window on one side: 2 of 4 is not enough, 3 of 5 is', () => {
    // With 3 observations and two sides one side always has 2 of 3 (67 %); wait for 4 to see a split.
    const vote = new TrackVote({ ...defaults, window: 5, minObservations: 4 });
    feed(vote, [MASK, NO_MASK, MASK]);
    assert.equal(vote.verdict.label, null, 'only 3 observations');
    vote.add(NO_MASK);
    assert.equal(vote.verdict.label, null, '2 of 4 = 50 %: undecided');
    vote.add(NO_MASK);
    assert.equal(vote.verdict.label, 'no_mask', '3 of 5 = 60 %');
    // share 0.6 × mean(1 - p(mask)) of the agreeing frames 0.9.
    assert.ok(Math.abs(vote.verdict.score! - 0.54) < 1e-12);

    const tight = new TrackVote({ ...defaults, window: 5, minObservations: 5, minConsensus: 0.7 });
    feed(tight, [NO_MASK, MASK, NO_MASK, MASK, NO_MASK]);
    assert.equal(tight.verdict.label, null, '3 of 5 = 60 % < 70 %');
  });

  it('is not flipped by one flickering frame, nor by a run shorter than the consensus', () => {
    const vote = new TrackVote(defaults);
    feed(
      vote,
      Array.from({ length: 10 }, () => MASK),
    );
    assert.equal(vote.verdict.label, 'mask');
    assert.equal(vote.add(NO_MASK).label, 'mask', 'one odd frame');
    assert.ok(vote.verdict.score! < 0.9 * 0.91, 'its confidence dips');
    feed(vote, [MASK, MASK]);
    // 5 frames without a mask in a row: 6 of 10 would be needed.
    feed(vote, [NO_MASK, NO_MASK, NO_MASK, NO_MASK]);
    assert.equal(vote.verdict.label, 'mask', 'held while the window is split');
    feed(vote, [NO_MASK, NO_MASK]);
    assert.equal(vote.verdict.label, 'no_mask', 'the other side reached 60 %');
  });

  it('takes the median p(mask) against the operating point, not the argmax', () => {
    // p(mask) 0.4 is argmax-mask (0.4 > 0.35 > 0.25) but under τ = 0.5: not compliant.
    const frame = [0.4, 0.35, 0.25];
    const strict = new TrackVote(defaults);
    feed(strict, [frame, frame, frame]);
    assert.equal(strict.verdict.label, 'no_mask');
    const lenient = new TrackVote({ ...defaults, maskThreshold: 0.35 });
    feed(lenient, [frame, frame, frame]);
    assert.equal(lenient.verdict.label, 'mask');
    assert.ok(Math.abs(lenient.verdict.score! - 0.4) < 1e-12);
  });

  it('tells incorrect from no_mask by their ratio over the non-compliant frames', () => {
    const vote = new TrackVote(defaults);
    feed(vote, [INCORRECT, INCORRECT, NO_MASK, INCORRECT, MASK]);
    assert.equal(vote.verdict.label, 'incorrect');
    const other = new TrackVote(defaults);
    feed(other, [NO_MASK, INCORRECT, NO_MASK, MASK]);
    assert.equal(other.verdict.label, 'no_mask');
    // Mixed non-compliant frames still reach consensus on "not mask": an alert is not lost to the split.
    const mixed = new TrackVote(defaults);
    feed(mixed, [NO_MASK, INCORRECT, NO_MASK, INCORRECT, [0.1, 0.3, 0.6], [0.1, 0.7, 0.2]]);
    assert.notEqual(mixed.verdict.label, null);
    assert.notEqual(mixed.verdict.label, 'mask');
  });

  it("splits incorrect from no_mask at the operating point's r, like the frame rule", () => {
    // p(incorrect) / p(no_mask) = 0.35 / 0.25 = 1.4 on every frame
    const frame = [0.4, 0.25, 0.35];
    const plain = new TrackVote(defaults);
    feed(plain, [frame, frame, frame]);
    assert.equal(plain.verdict.label, 'incorrect');
    const strict = new TrackVote({ ...defaults, incorrectRatio: 1.5 });
    feed(strict, [frame, frame, frame]);
    assert.equal(strict.verdict.label, 'no_mask');
    const loose = new TrackVote({ ...defaults, incorrectRatio: 1.3 });
    feed(loose, [frame, frame, frame]);
    assert.equal(loose.verdict.label, 'incorrect');
  });

  it('keeps only the last `window` observations', () => {
    const vote = new TrackVote({ ...defaults, window: 3 });
    feed(vote, [NO_MASK, NO_MASK, NO_MASK, MASK, MASK]);
    assert.equal(vote.size, 3);
    assert.equal(vote.verdict.label, 'mask');
  });
});

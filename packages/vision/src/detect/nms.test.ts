import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import type { Box } from '@maskwatch/protocol/faces';

import { iou, nms } from './nms.ts';

describe('iou', () => {
  it('is 1 for equal boxes, 0 for disjoint or touching ones', () => {
    assert.equal(iou([0, 0, 10, 10], [0, 0, 10, 10]), 1);
    assert.equal(iou([0, 0, 10, 10], [10, 0, 20, 10]), 0);
    assert.equal(iou([0, 0, 10, 10], [20, 20, 30, 30]), 0);
  });

  it('is intersection over union', () => {
    // Overlap 5x10 = 50, union 100 + 100 - 50 = 150.
    assert.ok(Math.abs(iou([0, 0, 10, 10], [5, 0, 15, 10]) - 1 / 3) < 1e-12);
  });
});

describe('nms', () => {
  const f = (box: Box, score: number): { box: Box; score: number } => ({ box, score });

  it('keeps the best of overlapping boxes and every disjoint one, best first', () => {
    const kept = nms(
      [f([0, 0, 10, 10], 0.7), f([1, 1, 11, 11], 0.9), f([50, 50, 60, 60], 0.8), f([0, 0, 10, 9], 0.6)],
      0.3,
    );
    assert.deepEqual(
      kept.map((k) => k.score),
      [0.9, 0.8],
    );
  });

  it('keeps boxes overlapping less than the threshold', () => {
    // IoU 1/3: kept at threshold 0.4, dropped at 0.3.
    const boxes = [f([0, 0, 10, 10], 0.9), f([5, 0, 15, 10], 0.8)];
    assert.equal(nms(boxes, 0.4).length, 2);
    assert.equal(nms(boxes, 0.3).length, 1);
  });

  it('stops at maxKeep and leaves the input alone', () => {
    const boxes = [f([0, 0, 1, 1], 0.1), f([5, 5, 6, 6], 0.5), f([9, 9, 10, 10], 0.3)];
    assert.deepEqual(
      nms(boxes, 0.3, 2).map((k) => k.score),
      [0.5, 0.3],
    );
    assert.equal(boxes[0]!.score, 0.1);
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import type { Box } from '@maskwatch/protocol/faces';

import { BoxKalmanFilter } from './BoxKalmanFilter.ts';

const at = (x: number, y: number, size: number): Box => [x, y, x + size, y + size];

describe('BoxKalmanFilter', () => {
  it('learns a constant velocity and predicts the next box, whatever the gap between frames', () => {
    const filter = new BoxKalmanFilter(at(100, 50, 40));
    // 200 px/s to the right, 50 px/s down; frames 200 ms apart, one of them 400 ms (a dropped frame).
    const gaps = [0.2, 0.2, 0.4, 0.2, 0.2, 0.2];
    let t = 0;
    for (const dt of gaps) {
      t += dt;
      filter.predict(dt);
      filter.update(at(100 + 200 * t, 50 + 50 * t, 40));
    }
    const [vx, vy] = filter.velocity();
    assert.ok(Math.abs(vx - 200) < 20, `vx ${vx}`);
    assert.ok(Math.abs(vy - 50) < 10, `vy ${vy}`);
    filter.predict(0.6);
    t += 0.6;
    const box = filter.box();
    const want = at(100 + 200 * t, 50 + 50 * t, 40);
    for (let i = 0; i < 4; i++)
      assert.ok(Math.abs(box[i]! - want[i]!) < 8, `predicted ${box.join(', ')} want ${want.join(', ')}`);
  });

  it('does not move without time, keeps its size when frozen and never turns a box inside out', () => {
    const filter = new BoxKalmanFilter(at(0, 0, 40));
    filter.predict(0.2);
    filter.update(at(0, 0, 30));
    filter.predict(0.2);
    filter.update(at(0, 0, 20));
    const before = filter.box();
    filter.predict(0);
    assert.deepEqual(filter.box(), before);
    filter.predict(5);
    const shrunk = filter.box();
    assert.ok(shrunk[2] - shrunk[0] >= 1 && shrunk[3] - shrunk[1] >= 1, 'at least 1 px');

    const frozen = new BoxKalmanFilter(at(0, 0, 40));
    frozen.predict(0.2);
    frozen.update(at(0, 0, 30));
    frozen.freezeSize();
    const w = frozen.box()[2] - frozen.box()[0];
    frozen.predict(1);
    assert.ok(Math.abs(frozen.box()[2] - frozen.box()[0] - w) < 1e-9);
  });
});

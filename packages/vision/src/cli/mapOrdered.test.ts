import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, it } from 'node:test';

import { mapOrdered } from './mapOrdered.ts';

describe('mapOrdered', () => {
  it('emits results in input order although they finish out of order, with at most `concurrency` in flight', async () => {
    const delays = [30, 5, 20, 1, 10, 1, 25];
    let inFlight = 0;
    let maxInFlight = 0;
    const emitted: Array<[number, number]> = [];
    await mapOrdered(
      delays,
      3,
      async (delay, index) => {
        inFlight++;
        maxInFlight = Math.max(maxInFlight, inFlight);
        await sleep(delay);
        inFlight--;
        return index * 10;
      },
      (result, index) => {
        emitted.push([index, result]);
      },
    );
    assert.deepEqual(
      emitted,
      delays.map((_, i) => [i, i * 10]),
    );
    assert.equal(maxInFlight, 3);
  });

  it('waits for an async emit before the next one, and handles an empty list', async () => {
    const log: string[] = [];
    await mapOrdered(
      [1, 2, 3],
      2,
      async (n) => n,
      async (n) => {
        log.push(`start ${n}`);
        await sleep(5);
        log.push(`end ${n}`);
      },
    );
    assert.deepEqual(log, ['start 1', 'end 1', 'start 2', 'end 2', 'start 3', 'end 3']);
    await mapOrdered(
      [],
      2,
      async () => 0,
      () => assert.fail('nothing to emit'),
    );
  });

  it('rejects when an emit fails', async () => {
    await assert.rejects(
      mapOrdered(
        [1, 2],
        1,
        async (n) => n,
        (n) => {
          if (n === 2) throw new Error('disk full');
        },
      ),
      /disk full/,
    );
  });
});

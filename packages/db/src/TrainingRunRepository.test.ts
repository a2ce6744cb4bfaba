import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { TrainingRun } from '@maskwatch/protocol/training';
import { Database } from './Database.ts';
import { DbError } from './DbError.ts';
import { importRuns } from './importRuns.ts';
import { TrainingRunRepository } from './TrainingRunRepository.ts';

function run(id: string, overrides: Partial<TrainingRun> = {}): TrainingRun {
  return {
    id,
    model: 'mask_classifier',
    status: 'completed',
    startedAt: '2026-11-27T10:00:00Z',
    finishedAt: '2026-11-27T10:30:00Z',
    params: { lr: 0.001, epochs: 1 },
    epochs: [{ epoch: 1, trainLoss: 0.5, trainAcc: 0.8, valLoss: 0.6, valAcc: 0.75, lr: 0.001, seconds: 12 }],
    final: {
      accuracy: 0.9,
      labels: ['mask', 'no_mask', 'incorrect'],
      perClass: { mask: { precision: 0.9, recall: 0.9, f1: 0.9, support: 10 } },
      confusion: [
        [9, 1, 0],
        [0, 10, 0],
        [0, 0, 5],
      ],
    },
    system: { python: '3.11' },
    artifacts: { onnx: 'models/x.onnx' },
    ...overrides,
  };
}

describe('TrainingRunRepository', () => {
  let dir: string;
  let db: Database;
  let runs: TrainingRunRepository;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'maskwatch-db-'));
    db = new Database({ path: join(dir, 'test.db') });
    runs = new TrainingRunRepository(db);
  });
  afterEach(() => {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('upsert stores JSON columns and get/list give the same object back', () => {
    const a = run('a');
    runs.upsert(a);
    assert.deepEqual(runs.get('a'), a);
    runs.upsert(
      run('b', {
        startedAt: '2026-11-28T10:00:00Z',
        final: null,
        finishedAt: null,
        status: 'running',
        system: undefined,
        artifacts: undefined,
      }),
    );
    assert.deepEqual(
      runs.list().map((r) => r.id),
      ['b', 'a'],
    );
    assert.equal(runs.get('b')?.final, null);
    runs.upsert(run('a', { status: 'failed' }));
    assert.equal(runs.get('a')?.status, 'failed');
    assert.equal(runs.list().length, 2);
  });

  test('an invalid run is refused without writing', () => {
    assert.throws(
      () => runs.upsert({ ...run('x'), status: 'exploded' }),
      (e) => e instanceof DbError && e.code === 'invalid',
    );
    assert.throws(() => runs.upsert({ id: 'y' }), DbError);
    assert.equal(runs.list().length, 0);
  });

  test('importRuns reads every runs/*/run.json, is idempotent and reports bad files', () => {
    const runsDir = join(dir, 'runs');
    for (const id of ['r1', 'r2']) {
      mkdirSync(join(runsDir, id), { recursive: true });
      writeFileSync(join(runsDir, id, 'run.json'), JSON.stringify(run(id)));
    }
    mkdirSync(join(runsDir, 'broken'));
    writeFileSync(join(runsDir, 'broken', 'run.json'), '{not json');
    mkdirSync(join(runsDir, 'empty'));
    // r2 has its system usage over time: 1000 points, thinned to 400 with the first and last kept.
    const lines = Array.from({ length: 1000 }, (_, i) => JSON.stringify({ t: 1000 + i * 3, cpuPercent: i % 100, rssMb: 900, note: 'x' }));
    writeFileSync(join(runsDir, 'r2', 'system.jsonl'), `${lines.join('\n')}\nnot json\n`);
    const first = importRuns(runs, runsDir);
    assert.deepEqual(first.imported, ['r1', 'r2']);
    assert.equal(first.failed.length, 1);
    const second = importRuns(runs, runsDir);
    assert.deepEqual(second.imported, ['r1', 'r2']);
    assert.equal(runs.list().length, 2);
    assert.deepEqual(runs.get('r1')?.system, { python: '3.11' });
    const system = runs.get('r2')?.system as { python: string; series: { t: number; cpuPercent: number; note?: unknown }[] };
    assert.equal(system.python, '3.11');
    assert.equal(system.series.length, 400);
    assert.deepEqual([system.series[0]?.t, system.series.at(-1)?.t], [1000, 1000 + 999 * 3]);
    assert.equal(system.series[0]?.note, undefined, 'only numbers are kept');
  });

  test('the import-runs CLI writes to $MASKWATCH_DB', () => {
    const runsDir = join(dir, 'models', 'runs', 'r9');
    mkdirSync(runsDir, { recursive: true });
    writeFileSync(join(runsDir, 'run.json'), JSON.stringify(run('r9')));
    const dbPath = join(dir, 'cli.db');
    const cli = fileURLToPath(new URL('./cli/importRuns.ts', import.meta.url));
    for (let i = 0; i < 2; i++) {
      const out = spawnSync(process.execPath, ['--import', 'tsx', cli, join(dir, 'models')], {
        env: { ...process.env, MASKWATCH_DB: dbPath },
        encoding: 'utf8',
      });
      assert.equal(out.status, 0, out.stderr);
      assert.deepEqual(JSON.parse(out.stdout).imported, ['r9']);
    }
    const other = new Database({ path: dbPath });
    assert.deepEqual(
      new TrainingRunRepository(other).list().map((r) => r.id),
      ['r9'],
    );
    other.close();
  });
});

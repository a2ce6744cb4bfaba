import { TrainingRunSchema, type TrainingRun } from '@maskwatch/protocol/training';
import type { Database } from './Database.ts';
import { DbError } from './DbError.ts';

type RunRow = {
  id: string;
  model: string;
  status: string;
  started_at: string;
  finished_at: string | null;
  params: string;
  epochs: string;
  final: string | null;
  system: string | null;
  artifacts: string | null;
};

function fromRow(row: RunRow): TrainingRun {
  // Parsed on the way out too: a row written by an older version must still match today's type.
  return TrainingRunSchema.parse({
    id: row.id,
    model: row.model,
    status: row.status,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
    params: JSON.parse(row.params),
    epochs: JSON.parse(row.epochs),
    final: row.final === null ? null : JSON.parse(row.final),
    ...(row.system === null ? {} : { system: JSON.parse(row.system) }),
    ...(row.artifacts === null ? {} : { artifacts: JSON.parse(row.artifacts) }),
  });
}

/** Training runs recorded by the Python pipeline (`models/runs/<id>/run.json`); JSON columns for nested data. */
export class TrainingRunRepository {
  readonly #db: Database;

  constructor(db: Database) {
    this.#db = db;
  }

  /** Inserts or replaces the run with the same id. The input is validated with TrainingRunSchema. */
  upsert(input: unknown): TrainingRun {
    const parsed = TrainingRunSchema.safeParse(input);
    if (!parsed.success) {
      const first = parsed.error.issues[0];
      throw new DbError(
        'invalid',
        `invalid training run: ${first ? `${first.path.join('.')}: ${first.message}` : 'invalid'}`,
      );
    }
    const run = parsed.data;
    this.#db.handle
      .prepare(
        `INSERT INTO training_runs (id, model, status, started_at, finished_at, params, epochs, final, system, artifacts, imported_at)
         VALUES (@id, @model, @status, @startedAt, @finishedAt, @params, @epochs, @final, @system, @artifacts, @importedAt)
         ON CONFLICT (id) DO UPDATE SET model = excluded.model, status = excluded.status, started_at = excluded.started_at,
           finished_at = excluded.finished_at, params = excluded.params, epochs = excluded.epochs, final = excluded.final,
           system = excluded.system, artifacts = excluded.artifacts, imported_at = excluded.imported_at`,
      )
      .run({
        id: run.id,
        model: run.model,
        status: run.status,
        startedAt: run.startedAt,
        finishedAt: run.finishedAt,
        params: JSON.stringify(run.params),
        epochs: JSON.stringify(run.epochs),
        final: run.final === null ? null : JSON.stringify(run.final),
        system: run.system == null ? null : JSON.stringify(run.system),
        artifacts: run.artifacts === undefined ? null : JSON.stringify(run.artifacts),
        importedAt: new Date().toISOString(),
      });
    return run;
  }

  /** Newest first. */
  list(): TrainingRun[] {
    return this.#db.handle
      .prepare<[], RunRow>('SELECT * FROM training_runs ORDER BY started_at DESC, id')
      .all()
      .map(fromRow);
  }

  get(id: string): TrainingRun | undefined {
    const row = this.#db.handle.prepare<[string], RunRow>('SELECT * FROM training_runs WHERE id = ?').get(id);
    return row ? fromRow(row) : undefined;
  }
}

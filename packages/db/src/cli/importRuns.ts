/**
 * `npm run -s -w @maskwatch/db import-runs -- <folder>`: imports every `<folder>/<id>/run.json` (or
 * `<folder>/runs/<id>/run.json` when given the models folder) into the database at $MASKWATCH_DB (default
 * data/maskwatch.db). Idempotent. Prints one JSON line; exits 1 if any file failed.
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Database } from '../Database.ts';
import { importRuns } from '../importRuns.ts';
import { TrainingRunRepository } from '../TrainingRunRepository.ts';

const arg = process.argv[2];
if (!arg) {
  process.stderr.write('usage: import-runs <runs folder>\n');
  process.exit(2);
}
// npm runs workspace scripts in the package folder; resolve against where the user was.
const base = process.env.INIT_CWD ?? process.cwd();
let dir = resolve(base, arg);
if (existsSync(join(dir, 'runs'))) dir = join(dir, 'runs');
if (!existsSync(dir)) {
  process.stderr.write(`import-runs: no such folder ${dir}\n`);
  process.exit(2);
}
const dbPath = process.env.MASKWATCH_DB ? resolve(base, process.env.MASKWATCH_DB) : undefined;
const db = new Database(dbPath ? { path: dbPath } : {});
try {
  const result = importRuns(new TrainingRunRepository(db), dir);
  process.stdout.write(`${JSON.stringify({ db: db.path, folder: dir, ...result })}\n`);
  process.exitCode = result.failed.length > 0 ? 1 : 0;
} finally {
  db.close();
}

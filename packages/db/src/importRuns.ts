import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { TrainingRunRepository } from './TrainingRunRepository.ts';

export type ImportResult = { imported: string[]; failed: { file: string; error: string }[] };

/**
 * Imports every `<runsDir>/<id>/run.json` (upsert by id, so running it twice changes nothing).
 * A bad file is reported and skipped; the others are still imported.
 */
export function importRuns(runs: TrainingRunRepository, runsDir: string): ImportResult {
  const result: ImportResult = { imported: [], failed: [] };
  for (const name of readdirSync(runsDir).sort()) {
    const file = join(runsDir, name, 'run.json');
    if (!statSync(join(runsDir, name)).isDirectory() || !existsSync(file)) continue;
    try {
      const run = runs.upsert(JSON.parse(readFileSync(file, 'utf8')));
      result.imported.push(run.id);
    } catch (error) {
      result.failed.push({ file, error: error instanceof Error ? error.message : String(error) });
    }
  }
  return result;
}

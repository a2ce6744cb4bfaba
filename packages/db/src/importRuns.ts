import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { readSystemSeries } from './readSystemSeries.ts';
import type { TrainingRunRepository } from './TrainingRunRepository.ts';

export type ImportResult = { imported: string[]; failed: { file: string; error: string }[] };

/**
 * Imports every `<runsDir>/<id>/run.json` (upsert by id, so running it twice changes nothing), with the run's
 * system usage over time from `system.jsonl` beside it, when there is one, as `system.series`.
 * A bad file is reported and skipped; the others are still imported.
 */
export function importRuns(runs: TrainingRunRepository, runsDir: string): ImportResult {
  const result: ImportResult = { imported: [], failed: [] };
  for (const name of readdirSync(runsDir).sort()) {
    const file = join(runsDir, name, 'run.json');
    if (!statSync(join(runsDir, name)).isDirectory() || !existsSync(file)) continue;
    try {
      const json: unknown = JSON.parse(readFileSync(file, 'utf8'));
      const systemFile = join(runsDir, name, 'system.jsonl');
      if (existsSync(systemFile) && typeof json === 'object' && json !== null) {
        const run = json as { system?: unknown };
        const system = typeof run.system === 'object' && run.system !== null ? run.system : {};
        run.system = { ...system, series: readSystemSeries(systemFile) };
      }
      const run = runs.upsert(json);
      result.imported.push(run.id);
    } catch (error) {
      result.failed.push({ file, error: error instanceof Error ? error.message : String(error) });
    }
  }
  return result;
}

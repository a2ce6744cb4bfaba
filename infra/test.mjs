#!/usr/bin/env node
// The test levels (infra/test.sh runs the set-up, then this). Every check is a job of one pool, several at a time
// (TEST_JOBS, default one per core and at least two): the cross-process tests mostly wait, so CPU-bound checks run
// beside them. Ends with one line "tests: N passed, N failed".
//
//   node infra/test.mjs          # npm test: lint, typecheck, every workspace's unit tests, the models' tests,
//                                #   test/*.test.ts (in-process integration and the browser smoke)
//   node infra/test.mjs e2e      # npm run test:e2e: test/e2e/ (browser and fault journeys)
//   node infra/test.mjs all      # both, one pool
//
// The suites come from the workspaces themselves (infra/workspaces.mjs): a new package's tests and types are
// checked without a line here. A test file that runs no test fails the run.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { defaultJobs, fileJob, pytestSummary, runJobs, totals } from './run-tests.mjs';
import { ROOT, testFilesUnder, workspaces } from './workspaces.mjs';

const level = process.argv[2] ?? 'fast';
if (!['fast', 'e2e', 'all'].includes(level)) {
  console.error(`usage: node infra/test.mjs [fast|e2e|all] (not "${level}")`);
  process.exit(2);
}

const TIMINGS = join(ROOT, 'test', '.artifacts', 'timings.json');
const timings = existsSync(TIMINGS) ? JSON.parse(readFileSync(TIMINGS, 'utf8')) : {};

/** The models' Python tests of one level (pytest markers: `e2e` is the whole pipeline on a few images). */
function pytestJob(name, marker) {
  const python = join(ROOT, 'models', '.venv', 'bin', 'python');
  return { name, argv: [python, '-m', 'pytest', 'models/tests', '-q', '-p', 'no:cacheprovider', '--durations=5', '-m', marker], parse: pytestSummary };
}

function fastJobs() {
  return [
    { name: 'lint', argv: [process.execPath, 'node_modules/eslint/bin/eslint.js', '--cache', '--cache-location', 'node_modules/.cache/eslint/', '.'] },
    { name: 'typecheck', argv: [process.execPath, 'infra/typecheck.mjs'] },
    pytestJob('models (pytest)', 'not e2e'),
    ...workspaces().flatMap((w) => w.testFiles).map(fileJob),
    ...testFilesUnder('test')
      .filter((file) => file.split('/').length === 2)
      .map(fileJob),
  ];
}

function e2eJobs() {
  return [pytestJob('models e2e (pytest)', 'e2e'), ...testFilesUnder('test/e2e').map(fileJob)];
}

const jobs = level === 'fast' ? fastJobs() : level === 'e2e' ? e2eJobs() : [...fastJobs(), ...e2eJobs()];
// Longest first (as the last run on this machine measured them), so that the pool ends together; a job never
// timed goes first, a cross-process test before a unit test.
const expected = (job) => timings[job.name] ?? (job.name.startsWith('test/') ? 1e9 : 5e8);
jobs.sort((a, b) => expected(b) - expected(a));

const parallel = defaultJobs();
console.log(`${level === 'fast' ? 'npm test' : level === 'e2e' ? 'test:e2e' : 'all tests'}: ${jobs.length} jobs, ${parallel} at a time`);
const started = Date.now();
const results = await runJobs(jobs, { parallel });
for (const result of results) timings[result.name] = result.ms;
writeFileSync(TIMINGS, `${JSON.stringify(timings, null, 1)}\n`);

const { passed, failed, broken } = totals(results);
const slowest = [...results].sort((a, b) => b.ms - a.ms).slice(0, 8);
console.log(`\nslowest: ${slowest.map((r) => `${r.name} ${(r.ms / 1000).toFixed(0)} s`).join(', ')}`);
console.log(`${level} level: ${((Date.now() - started) / 1000).toFixed(0)} s, ${results.length} jobs, ${parallel} at a time`);
if (broken.length > 0) console.log(`suites that failed: ${broken.map((r) => `${r.name} (${r.problems.join('; ') || 'failed'})`).join(', ')}`);
console.log(`tests: ${passed} passed, ${failed} failed`);
process.exit(broken.length === 0 && failed === 0 ? 0 : 1);

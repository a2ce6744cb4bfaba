#!/usr/bin/env node
// Runs test files with node's own test runner (through tsx), several at a time: each file in its own process (its
// own process group), its output kept in test/.artifacts/logs/ and shown when it fails, its TAP summary counted.
// A file fails when a test fails, when it runs no test at all, when it outlives its time limit, or when it leaves
// a process behind (every process a file starts carries MASKWATCH_TEST_RUN in its environment; whatever still does
// once the file has ended was not closed by its owner).
//
//   node infra/run-tests.mjs apps/server/src           # every *.test.ts below a folder
//   node infra/run-tests.mjs test/alerts.test.ts       # one file
//   TEST_JOBS=1 node infra/run-tests.mjs test          # one file at a time
//
// As a module, `runJobs(jobs, options)` is what infra/test.mjs runs each level with (test files, lint, typecheck,
// pytest: all of them jobs of one pool).
import { spawn } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ROOT, testFilesUnder } from './workspaces.mjs';

const LOG_DIR = join(ROOT, 'test', '.artifacts', 'logs');

/** `# pass N` and friends from node's TAP reporter (the last ones: the file's own summary). */
export function tapSummary(output) {
  const count = (name) => {
    const all = [...output.matchAll(new RegExp(`^# ${name} (\\d+)$`, 'gm'))];
    return all.length > 0 ? Number(all.at(-1)[1]) : 0;
  };
  return { tests: count('tests'), passed: count('pass'), failed: count('fail') + count('cancelled'), skipped: count('skipped') + count('todo') };
}

/** Processes (pid, command) whose environment carries `marker`: started by a test file that has ended. */
function processesMarked(marker) {
  const found = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      const environ = readFileSync(`/proc/${entry}/environ`, 'latin1');
      if (!environ.split('\0').includes(marker)) continue;
      const stat = readFileSync(`/proc/${entry}/stat`, 'latin1');
      if (stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z')) continue; // a zombie is already gone
      found.push({ pid: Number(entry), command: readFileSync(`/proc/${entry}/cmdline`, 'latin1').split('\0').join(' ').trim().slice(0, 160) });
    } catch {
      // gone meanwhile, or not ours to read
    }
  }
  return found;
}

const sleep = (ms) => new Promise((done) => setTimeout(done, ms));

/** pytest's last line: "3 passed, 1 failed, 2 skipped in 4.2s". */
export function pytestSummary(output) {
  const last = output.trim().split('\n').at(-1) ?? '';
  const count = (name) => Number(new RegExp(`(\\d+) ${name}`).exec(last)?.[1] ?? 0);
  return { tests: 0, passed: count('passed'), failed: count('failed') + count('errors?'), skipped: count('skipped') };
}

/** A test file as a job: node's test runner through tsx, TAP out. */
export function fileJob(file) {
  return { name: file, argv: [process.execPath, '--import', 'tsx', '--test-reporter=tap', file], parse: tapSummary };
}

/**
 * Runs one job (`{ name, argv, parse }`: `parse` reads its output into counts; without it the job is a check that
 * passes or fails by its exit code); resolves with its result, never rejects. `slot`: its place among those running.
 */
function runJob(job, { slot, timeoutMs, runId, env }) {
  const started = Date.now();
  const marker = `MASKWATCH_TEST_RUN=${runId}:${slot}:${job.name}`;
  const child = spawn(job.argv[0], job.argv.slice(1), {
    cwd: ROOT,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...env, MASKWATCH_TEST_RUN: marker.slice('MASKWATCH_TEST_RUN='.length), MASKWATCH_TEST_SLOT: String(slot) },
  });
  let output = '';
  child.stdout.setEncoding('utf8').on('data', (chunk) => (output += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk) => (output += chunk));
  let timedOut = false;
  // SIGTERM first: playwright closes its browsers on it; what is left gets SIGKILL.
  const timer = setTimeout(() => {
    timedOut = true;
    try {
      process.kill(-child.pid, 'SIGTERM');
    } catch {
      // already gone
    }
    setTimeout(() => {
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }, 10_000).unref();
  }, timeoutMs);
  return new Promise((done) => {
    child.once('close', async (code, signal) => {
      clearTimeout(timer);
      // Children die with their owners (a closed browser, a killed ffmpeg) within moments; give them that.
      let left = processesMarked(marker);
      for (let i = 0; i < 20 && left.length > 0; i++) {
        await sleep(100);
        left = processesMarked(marker);
      }
      for (const { pid } of left) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          // gone
        }
      }
      const summary = job.parse ? job.parse(output) : { tests: 0, passed: 0, failed: 0, skipped: 0 };
      const problems = [];
      if (timedOut) problems.push(`did not finish within ${Math.round(timeoutMs / 1000)} s`);
      else if (code !== 0) problems.push(`exited with ${code ?? signal}`);
      if (job.parse && summary.passed + summary.failed === 0) problems.push('ran no test');
      if (left.length > 0) problems.push(`left ${left.length} process(es) running: ${left.map((p) => `${p.pid} ${p.command}`).join('; ')}`);
      const log = join(LOG_DIR, `${job.name.replaceAll('/', '__')}.log`);
      writeFileSync(log, output);
      done({ name: job.name, ...summary, ok: problems.length === 0 && summary.failed === 0, problems, ms: Date.now() - started, log, output });
    });
  });
}

/**
 * Runs `jobs` (see runJob), `parallel` at a time in the order given; prints a line per job as it ends (and the whole
 * output of a failed one). Resolves with the results in the order of `jobs`.
 */
export async function runJobs(jobs, { parallel = defaultJobs(), timeoutMs = 10 * 60_000, env = {} } = {}) {
  mkdirSync(LOG_DIR, { recursive: true });
  const runId = `${process.pid}-${Date.now()}`;
  const queue = [...jobs];
  const results = new Map();
  const free = Array.from({ length: Math.max(1, parallel) }, (_, slot) => slot);
  const worker = async () => {
    for (;;) {
      const job = queue.shift();
      if (job === undefined) return;
      const slot = free.shift();
      const result = await runJob(job, { slot, timeoutMs: job.timeoutMs ?? timeoutMs, runId, env });
      free.push(slot);
      results.set(job, result);
      const counts = job.parse
        ? `${result.passed} passed${result.failed ? `, ${result.failed} failed` : ''}${result.skipped ? `, ${result.skipped} skipped` : ''}; `
        : '';
      if (!result.ok) {
        process.stdout.write(`\n${'-'.repeat(20)} ${job.name} ${'-'.repeat(20)}\n${result.output}\n`);
        for (const problem of result.problems) process.stdout.write(`FAIL ${job.name}: ${problem}\n`);
      }
      process.stdout.write(`${result.ok ? 'ok  ' : 'FAIL'} ${job.name} (${counts}${(result.ms / 1000).toFixed(1)} s)\n`);
    }
  };
  await Promise.all(free.slice().map(() => worker()));
  return jobs.map((job) => results.get(job));
}

/** Files at once: one per core, at least two (a cross-process test mostly waits). TEST_JOBS overrides. */
export function defaultJobs() {
  const fromEnv = Number(process.env.TEST_JOBS);
  return Number.isInteger(fromEnv) && fromEnv > 0 ? fromEnv : Math.max(2, availableParallelism());
}

/** Folders (every *.test.ts below) or files, as paths relative to the repository root. */
export function expandRoots(roots) {
  const files = [];
  for (const root of roots) {
    const path = resolve(root);
    if (statSync(path).isDirectory()) files.push(...testFilesUnder(relative(ROOT, path)));
    else files.push(relative(ROOT, path));
  }
  return files;
}

/** Totals over results, and the line every test command ends with. */
export function totals(results) {
  const passed = results.reduce((n, r) => n + r.passed, 0);
  const failed = results.reduce((n, r) => n + r.failed, 0);
  const broken = results.filter((r) => !r.ok);
  return { passed, failed, broken };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const roots = process.argv.slice(2);
  const files = expandRoots(roots.length > 0 ? roots : ['.']);
  if (files.length === 0) {
    console.error(`no *.test.ts files under ${roots.join(', ')}`);
    process.exit(1);
  }
  console.error(`running ${files.length} test file(s), ${defaultJobs()} at a time`);
  const results = await runJobs(files.map(fileJob));
  const { passed, failed, broken } = totals(results);
  console.log(`# pass ${passed}\n# fail ${failed}`);
  if (broken.length > 0) console.log(`files that failed: ${broken.map((r) => r.name).join(' ')}`);
  process.exit(broken.length === 0 ? 0 : 1);
}

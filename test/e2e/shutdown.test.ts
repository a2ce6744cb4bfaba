/**
 * `npm start` always stops, and leaves nothing behind: SIGTERM to its pid once it runs; SIGTERM to its process group
 * while it is still starting (during the set-up, and while the server starts); kill -9 of npm, of the start
 * script (infra/start.mjs) and of the server, once it runs. Each time, within 15 s, no process it started is left (server, inference node,
 * media workers, set-up steps): every process carries a tag in its environment, so none escapes the count by being
 * re-parented. With MASKWATCH_INFERENCE_NICE=10, the inference node runs at nice 10 (its session's autogroup too) and
 * the server at 0.
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { TEST_ADMIN } from '../support/credentials.ts';
import { freeTcpPort, REPO_ROOT } from '../support/rtsp.ts';

type Proc = { pid: number; ppid: number; state: string; command: string };

/** The processes whose environment carries `tag` (zombies included: their parent is, and is listed). */
function tagged(tag: string): Proc[] {
  const found: Proc[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (!readFileSync(`/proc/${entry}/environ`, 'latin1').includes(`SHUTDOWN_TEST_TAG=${tag}`)) continue;
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const command = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0').join(' ').trim().slice(0, 120);
      found.push({ pid: Number(entry), ppid: Number(fields[1]), state: fields[0] ?? '?', command });
    } catch {
      // gone meanwhile, or not ours to read
    }
  }
  return found;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function until<T>(
  what: string,
  check: () => T | undefined | false | Promise<T | undefined | false>,
  timeoutMs: number,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

type Started = { tag: string; npm: number; port: number; dataDir: string; output: () => string };

/** `npm start` in a process group of its own (as a terminal or a service manager starts it), on a free port. */
async function npmStart(): Promise<Started> {
  const tag = randomUUID();
  const port = await freeTcpPort();
  const dataDir = mkdtempSync(join(tmpdir(), 'maskwatch-shutdown-'));
  const child = spawn('npm', ['start'], {
    cwd: REPO_ROOT,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...process.env,
      SHUTDOWN_TEST_TAG: tag,
      MASKWATCH_PORT: String(port),
      MASKWATCH_HOST: '127.0.0.1',
      MASKWATCH_DATA_DIR: dataDir,
      MASKWATCH_ADMIN_PASSWORD: TEST_ADMIN.password,
      MASKWATCH_NODE_METRICS_PORT: 'off',
      MASKWATCH_WORKERS: '2',
      MASKWATCH_LOG_LEVEL: 'warn',
      MASKWATCH_INFERENCE_NICE: '10',
    },
  });
  let output = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output = (output + chunk).slice(-20_000)));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (output = (output + chunk).slice(-20_000)));
  return { tag, npm: child.pid!, port, dataDir, output: () => output };
}

/** Health answers, and the server, the inference node and both media workers run. */
async function running(started: Started): Promise<void> {
  await until(
    'the server to answer and the node to run',
    async () => {
      const health = await fetch(`http://127.0.0.1:${started.port}/api/health`).then(
        (res) => res.status,
        () => 0,
      );
      const procs = tagged(started.tag);
      return (
        health === 200 &&
        procs.some((p) => p.command.includes('apps/inference/src/main.ts')) &&
        procs.filter((p) => p.command.includes('mediasoup-worker')).length === 2
      );
    },
    120_000,
  );
}

/** Nothing tagged is left within 15 s of `from`; says what was when something is. */
async function nothingLeft(started: Started, from: number): Promise<number> {
  for (;;) {
    const left = tagged(started.tag).filter((p) => p.state !== 'Z' || p.ppid !== 1);
    if (left.length === 0) return Date.now() - from;
    if (Date.now() - from > 15_000) {
      for (const p of left) {
        try {
          process.kill(p.pid, 'SIGKILL');
        } catch {
          // gone
        }
      }
      assert.fail(
        `left after 15 s: ${left.map((p) => `${p.pid} (${p.state}) ${p.command}`).join('; ')}\n${started.output().slice(-3000)}`,
      );
    }
    await sleep(100);
  }
}

describe('npm start stops, whatever stops it', () => {
  const dirs: string[] = [];
  after(() => {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  test('SIGTERM to the pid of npm start, once it runs', { timeout: 180_000 }, async () => {
    const started = await npmStart();
    dirs.push(started.dataDir);
    await running(started);
    // Meanwhile (MASKWATCH_INFERENCE_NICE=10): the node yields the CPU, its session's autogroup too; the server does not.
    const procs = tagged(started.tag);
    for (const [entry, nice] of [
      ['apps/inference/src/main.ts', 10],
      ['apps/server/src/main.ts', 0],
    ] as const) {
      const pid = procs.find((p) => p.command.includes(entry) && p.command.startsWith(`${process.execPath} `))?.pid;
      assert.ok(pid, `${entry} runs`);
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      assert.equal(Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16]), nice, `${entry}: nice`);
      if (existsSync(`/proc/${pid}/autogroup`))
        assert.match(
          readFileSync(`/proc/${pid}/autogroup`, 'utf8'),
          new RegExp(` nice ${nice}\\n?$`),
          `${entry}: autogroup`,
        );
    }
    const at = Date.now();
    process.kill(started.npm, 'SIGTERM');
    console.error(`pid: everything gone ${await nothingLeft(started, at)} ms after the SIGTERM`);
  });

  test(
    'SIGTERM to the process group during the set-up, and while the server starts',
    { timeout: 180_000 },
    async () => {
      for (const phase of ['set-up', 'server start'] as const) {
        const started = await npmStart();
        dirs.push(started.dataDir);
        await until(
          phase,
          () =>
            tagged(started.tag).some((p) =>
              phase === 'set-up' ? p.command.includes('infra/setup.sh') : p.command.includes('apps/server/src/main.ts'),
            ),
          120_000,
        );
        if (phase === 'server start') await sleep(1000);
        const at = Date.now();
        process.kill(-started.npm, 'SIGTERM');
        console.error(
          `group, during the ${phase}: everything gone ${await nothingLeft(started, at)} ms after the SIGTERM`,
        );
      }
    },
  );

  test('kill -9 of npm itself, once it runs', { timeout: 180_000 }, async () => {
    const started = await npmStart();
    dirs.push(started.dataDir);
    await running(started);
    const at = Date.now();
    process.kill(started.npm, 'SIGKILL');
    console.error(`kill -9 of npm: everything gone ${await nothingLeft(started, at)} ms after it`);
  });

  test(
    "kill -9 of the server: npm start ends, and the server's media workers do not outlive it",
    { timeout: 180_000 },
    async () => {
      const started = await npmStart();
      dirs.push(started.dataDir);
      await running(started);
      const server = tagged(started.tag).find((p) => p.command.includes('apps/server/src/main.ts'));
      assert.ok(server, 'the server runs');
      const at = Date.now();
      process.kill(server.pid, 'SIGKILL');
      console.error(`kill -9 of the server: everything gone ${await nothingLeft(started, at)} ms after it`);
    },
  );

  test('kill -9 of the start script, once it runs', { timeout: 180_000 }, async () => {
    const started = await npmStart();
    dirs.push(started.dataDir);
    await running(started);
    const script = tagged(started.tag).find((p) => p.command.includes('infra/start.mjs'));
    assert.ok(script, 'infra/start.mjs runs');
    const at = Date.now();
    process.kill(script.pid, 'SIGKILL');
    console.error(`kill -9: everything gone ${await nothingLeft(started, at)} ms after it`);
  });
});

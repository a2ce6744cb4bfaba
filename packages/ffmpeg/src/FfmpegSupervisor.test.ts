import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { FfmpegSupervisor, type ExitInfo, type FfmpegSupervisorOptions, type Prepared } from './FfmpegSupervisor.ts';
import { canTieToParent } from './parentDeath.ts';
import type { SourceState } from './RetryPolicy.ts';

const FFMPEG = process.env.MASKWATCH_FFMPEG ?? 'ffmpeg';
const BASE = ['-hide_banner', '-nostdin', '-nostats'];
/** A small paced test picture as raw grey frames on stdout (64x36 at 10 fps: 23 KB/s). */
const TESTSRC_TO_STDOUT = [...BASE, '-re', '-f', 'lavfi', '-i', 'testsrc=size=64x36:rate=10', '-f', 'rawvideo', '-pix_fmt', 'gray', 'pipe:1'];
const BAD_FORMAT = [...BASE, '-f', 'nosuchformat', '-i', 'x', '-f', 'null', '-'];

/** Running means not reaped and not a zombie (a reparented child may sit as one until init reaps it). */
function isRunning(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return !/^\d+ \(.*\) Z/.test(stat);
  } catch {
    return false;
  }
}

async function until<T>(what: string, check: () => T | undefined | false, timeoutMs = 5_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('FfmpegSupervisor (real ffmpeg)', () => {
  const supervisors: FfmpegSupervisor[] = [];
  afterEach(() => {
    for (const supervisor of supervisors.splice(0)) supervisor.close();
  });

  /** A supervisor whose exits are collected; stdout data counts as progress when `stdout` is on. */
  function supervise(options: Partial<FfmpegSupervisorOptions> & Pick<FfmpegSupervisorOptions, 'prepare'>) {
    const exits: ExitInfo[] = [];
    const pids: number[] = [];
    const supervisor = new FfmpegSupervisor({ name: 'test', ffmpegPath: FFMPEG, retryMinMs: 50, retryMaxMs: 200, ...options });
    supervisors.push(supervisor);
    supervisor.on('exit', (info) => exits.push(info));
    supervisor.on('spawn', (child) => {
      if (child.pid) pids.push(child.pid);
      child.stdout?.on('data', () => supervisor.alive());
    });
    return { supervisor, exits, pids };
  }

  test('runs ffmpeg, hears it alive from its stdout, and close() kills it and runs cleanup once', async () => {
    let cleanups = 0;
    const { supervisor, exits, pids } = supervise({
      stdout: true,
      prepare: () => ({ args: TESTSRC_TO_STDOUT, cleanup: () => cleanups++ }),
    });
    const alive = new Promise<void>((resolve) => supervisor.once('alive', resolve));
    supervisor.start();
    await alive;
    assert.equal(supervisor.running, true);
    assert.equal(supervisor.spawns, 1);
    const pid = pids[0]!;
    assert.ok(isRunning(pid));
    assert.match(readFileSync(`/proc/${pid}/cmdline`, 'utf8'), /ffmpeg/);

    supervisor.close();
    supervisor.close();
    assert.equal(cleanups, 1, 'cleanup runs at close, once');
    const exit = await until('the exit', () => exits[0]);
    assert.equal(exit.cause, 'closed');
    assert.equal(exit.retryInMs, null);
    assert.equal(exit.signal, 'SIGKILL');
    assert.equal(isRunning(pid), false);
    assert.equal(supervisor.running, false);
    assert.equal(cleanups, 1);
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.equal(supervisor.spawns, 1, 'no attempt after close');
  });

  test('a bad argument: the exit gives ffmpeg\'s own words, and retries back off up to the cap', async () => {
    let cleanups = 0;
    const lines: string[] = [];
    const { supervisor, exits } = supervise({ prepare: () => ({ args: BAD_FORMAT, cleanup: () => cleanups++ }) });
    supervisor.on('line', (line) => lines.push(line));
    supervisor.start();
    await until('four failed attempts', () => exits.length >= 4, 15_000);
    supervisor.close();
    assert.deepEqual(exits.slice(0, 4).map((exit) => exit.retryInMs), [50, 100, 200, 200]);
    for (const exit of exits.slice(0, 4)) {
      assert.equal(exit.cause, 'exited');
      assert.notEqual(exit.code, 0);
      assert.match(exit.reason, /nosuchformat/);
    }
    assert.ok(lines.some((line) => line.includes('nosuchformat')));
    assert.ok(supervisor.lastLines.some((line) => line.includes('nosuchformat')));
    await until('cleanup of every attempt', () => cleanups === exits.length || undefined);
  });

  test('a throw in prepare, a NUL byte in an argument, a missing binary: each ends in an exit with a reason and a retry', async () => {
    let cleanups = 0;
    const { supervisor, exits } = supervise({
      prepare: async (attempt): Promise<Prepared> => {
        if (attempt === 1) throw new Error('media server unavailable');
        return { args: [...BASE, '-i', 'rtsp://cam\0/x', '-f', 'null', '-'], cleanup: () => cleanups++ };
      },
    });
    supervisor.start();
    await until('two attempts', () => exits.length >= 2);
    assert.deepEqual(
      exits.slice(0, 2).map(({ cause, reason, retryInMs }) => ({ cause, reason, retryInMs })),
      [
        { cause: 'prepare-failed', reason: 'media server unavailable', retryInMs: 50 },
        { cause: 'spawn-failed', reason: 'cannot start ffmpeg: argument 5 contains a NUL byte', retryInMs: 100 },
      ],
    );
    assert.ok(cleanups >= 1, 'what prepare made is released when the spawn fails');
    assert.equal(supervisor.spawns, 0);
    supervisor.close();

    const missing = supervise({ ffmpegPath: '/nonexistent/ffmpeg', prepare: () => ({ args: BAD_FORMAT }) });
    missing.supervisor.start();
    const exit = await until('an exit', () => missing.exits[0]);
    assert.match(exit.reason, /no such file|ENOENT/i);
    assert.equal(exit.retryInMs, 50);
  });

  test('no progress after spawn ends the attempt (start timeout); progress that stops ends it (stall)', async () => {
    const quiet = supervise({
      startTimeoutMs: 300,
      prepare: () => ({ args: [...BASE, '-re', '-f', 'lavfi', '-i', 'testsrc=size=64x36:rate=10', '-f', 'null', '-'] }),
    });
    quiet.supervisor.start();
    const timedOut = await until('the start timeout', () => quiet.exits[0]);
    assert.equal(timedOut.cause, 'start-timeout');
    assert.match(timedOut.reason, /^no output within 0\.[3-9] s$/);
    assert.equal(isRunning(quiet.pids[0]!), false);
    quiet.supervisor.close();

    const stalling = supervise({ stdout: true, stallMs: 400, prepare: () => ({ args: TESTSRC_TO_STDOUT }) });
    const alive = new Promise<void>((resolve) => stalling.supervisor.once('alive', resolve));
    stalling.supervisor.start();
    await alive;
    // A frozen ffmpeg: the process is there, its output stops.
    process.kill(stalling.pids[0]!, 'SIGSTOP');
    const stalled = await until('the stall', () => stalling.exits[0]);
    assert.equal(stalled.cause, 'stalled');
    assert.match(stalled.reason, /^stalled for 0\.\d s$/);
    assert.equal(stalled.retryInMs, 50);
    await until('the next attempt alive', () => stalling.supervisor.running && stalling.supervisor.spawns === 2);
    assert.equal(isRunning(stalling.pids[0]!), false);
  });

  test('restart(immediate) starts the next attempt at once and does not count as a failure', async () => {
    const { supervisor, exits } = supervise({
      stdout: true,
      retryMinMs: 60_000,
      retryMaxMs: 60_000,
      prepare: () => ({ args: TESTSRC_TO_STDOUT }),
    });
    supervisor.start();
    await until('spawned', () => supervisor.running);
    supervisor.restart('switching to transcoding', { immediate: true });
    const exit = await until('the exit', () => exits[0]);
    assert.deepEqual([exit.cause, exit.reason, exit.retryInMs], ['restart', 'switching to transcoding', 0]);
    await until('the second attempt', () => supervisor.spawns === 2 && supervisor.running);
  });

  test('a probe that sees the source come back cuts the wait short and starts a new series of backoff', async () => {
    let source: SourceState = 'answers';
    let probes = 0;
    const { supervisor, exits } = supervise({
      retryMinMs: 30_000,
      retryMaxMs: 60_000,
      probeIntervalMs: 50,
      probe: async () => {
        probes++;
        return source;
      },
      prepare: () => ({ args: BAD_FORMAT }),
    });
    supervisor.start();
    await until('the first exit', () => exits[0]);
    assert.equal(exits[0]!.retryInMs, 30_000);
    await until('a few probes', () => probes >= 3);
    assert.equal(supervisor.spawns, 1, 'a probe saying "not yet" keeps the wait');
    source = 'ready';
    await until('the second attempt, long before the 30 s backoff', () => exits[1], 3_000);
    // Without the reset this would be 60 s (the second failure in a row).
    assert.equal(exits[1]!.retryInMs, 30_000);
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.equal(supervisor.spawns, 2, 'a source that stays ready but fails is not retried at every probe');
  });

  test('stdin bytes reach ffmpeg (e.g. an SDP), stdout comes back', async () => {
    const input = Uint8Array.from({ length: 16 }, (_, i) => i * 16);
    const output: Buffer[] = [];
    const { supervisor, exits } = supervise({
      stdout: true,
      prepare: () => ({
        args: [...BASE, '-f', 'rawvideo', '-pix_fmt', 'gray', '-s', '4x4', '-i', 'pipe:0', '-f', 'rawvideo', 'pipe:1'],
        stdin: input,
      }),
    });
    supervisor.on('spawn', (child) => child.stdout?.on('data', (chunk: Buffer) => output.push(chunk)));
    supervisor.start();
    const exit = await until('ffmpeg to finish', () => exits[0]);
    assert.equal(exit.code, 0);
    assert.deepEqual(new Uint8Array(Buffer.concat(output)), input);
  });

  test('a supervised ffmpeg dies with its parent when the parent is killed with -9', { skip: process.platform !== 'linux' }, async () => {
    assert.ok(canTieToParent(), '/usr/bin/setpriv --pdeathsig must work here (util-linux)');
    const fixture = join(dirname(fileURLToPath(import.meta.url)), 'supervisedChild.fixture.ts');
    const parent = spawn(process.execPath, ['--import', 'tsx', fixture], { stdio: ['ignore', 'pipe', 'inherit'] });
    try {
      const pid = await new Promise<number>((resolve, reject) => {
        let buffer = '';
        parent.stdout.setEncoding('utf8');
        parent.stdout.on('data', (chunk: string) => {
          buffer += chunk;
          const match = /FFMPEG_PID (\d+)/.exec(buffer);
          if (match) resolve(Number(match[1]));
        });
        parent.once('exit', (code) => reject(new Error(`the fixture exited (${code}) before starting ffmpeg`)));
        setTimeout(() => reject(new Error('the fixture started no ffmpeg within 30 s')), 30_000).unref();
      });
      await until('ffmpeg running', () => isRunning(pid) && readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('ffmpeg'));
      const exited = new Promise((resolve) => parent.once('exit', resolve));
      parent.kill('SIGKILL');
      await exited;
      await until('the orphaned ffmpeg to be gone', () => !isRunning(pid), 5_000);
    } finally {
      if (parent.exitCode === null && parent.signalCode === null) parent.kill('SIGKILL');
    }
  });
});

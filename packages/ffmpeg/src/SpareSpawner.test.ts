import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { test } from 'node:test';
import { SpareSpawner, type StdioPipes } from './SpareSpawner.ts';

// A process that waits on stdin like ffmpeg waiting for its SDP, then says what it read and who it is.
const SH = '/bin/sh';
const READER = ['-c', 'read line; echo "$$ $line"'];
const PIPES: StdioPipes = ['pipe', 'pipe', 'pipe'];

const answer = (child: ChildProcess, input: string): Promise<string> =>
  new Promise((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.once('close', () => resolve(out.trim()));
    child.once('error', reject);
    child.stdin!.end(`${input}\n`);
  });
const exited = (child: ChildProcess) =>
  child.exitCode !== null || child.signalCode !== null ? Promise.resolve() : new Promise<void>((r) => child.once('close', () => r()));
const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

test('the primed spare is what the next start of that command line gets; it reads its input then, and a new spare follows', async () => {
  const spares = new SpareSpawner({ refillMs: 50 });
  try {
    spares.prime(SH, READER);
    await pause(200);
    const first = spares.spawn(SH, READER, { stdio: PIPES });
    assert.equal(spares.taken, 1);
    assert.equal(await answer(first, 'sdp one'), `${first.pid} sdp one`);
    await pause(300);
    const second = spares.spawn(SH, READER, { stdio: PIPES });
    assert.equal(spares.taken, 2, 'refilled after the first was taken');
    assert.notEqual(second.pid, first.pid);
    assert.equal(await answer(second, 'sdp two'), `${second.pid} sdp two`);
  } finally {
    spares.close();
  }
});

test('another command line, other stdio, or a spare that died: a new process, never the spare', async () => {
  const spares = new SpareSpawner({ refillMs: 60_000 });
  try {
    spares.prime(SH, READER);
    await pause(200);
    const other = spares.spawn(SH, ['-c', 'read line; echo "other $line"'], { stdio: PIPES });
    assert.equal(await answer(other, 'x'), 'other x');
    assert.equal(spares.taken, 0, 'not the spare');
    // Other stdio (no stdin to wait on): started as asked, the spare left alone.
    const ignored = spares.spawn(SH, ['-c', 'echo direct'], { stdio: ['ignore', 'pipe', 'pipe'] });
    await exited(ignored);
    assert.equal(spares.taken, 0);
    // The spare now follows the command line started last (the other one); it dies before it is taken.
    spares.prime(SH, ['-c', 'exit 3']);
    await pause(300);
    const after = spares.spawn(SH, ['-c', 'exit 3'], { stdio: PIPES });
    assert.equal(spares.taken, 0, 'a dead spare is not handed out');
    await exited(after);
    assert.equal(after.exitCode, 3);
  } finally {
    spares.close();
  }
});

test('close kills the waiting spare', async () => {
  // Named so that it can be found among the processes ($0 of the shell).
  const marker = `spare-${process.pid}-${Date.now()}`;
  const waiting = (): number[] =>
    readdirSync('/proc')
      .filter((entry) => /^\d+$/.test(entry))
      .filter((pid) => {
        try {
          return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(marker);
        } catch {
          return false; // gone meanwhile
        }
      })
      .map(Number);
  const spares = new SpareSpawner();
  spares.prime(SH, [...READER, marker]);
  for (let waited = 0; waiting().length === 0 && waited < 2000; waited += 50) await pause(50);
  assert.equal(waiting().length, 1, 'the spare waits');
  spares.close();
  for (let waited = 0; waiting().length > 0 && waited < 2000; waited += 50) await pause(50);
  assert.deepEqual(waiting(), [], 'killed by close');
});

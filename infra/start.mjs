#!/usr/bin/env node
// `npm start`: the server and one inference node beside it, as two processes (run by infra/start.sh after the
// set-up). The node is restarted if it dies (with a growing pause); when the server ends, the node is stopped and
// this exits with the server's code.
//
// Stopping always ends: SIGINT, SIGTERM or SIGHUP (to this pid or to its process group) sends SIGTERM to each child's
// process group (a child and what it started: media workers, ffmpeg), and SIGKILL to what is left after
// MASKWATCH_STOP_GRACE_S (10) seconds; a second signal kills at once. Each child runs in a group of its own (so a
// signal to ours reaches it once, through here, in order) and is tied to this process's life (setpriv --pdeathsig):
// if this process is killed with -9, the children get SIGTERM from the kernel and close within their own deadline.
//
// MASKWATCH_INFERENCE_NICE (0 to 19; 0, the default, leaves it alone) runs the node at that nice, its ffmpeg decoders
// with it, and gives its session's autogroup the same nice (with kernel autogroups, a nice value only orders
// processes within their session; the session's own weight decides between sessions). It is for a machine that also
// runs an operator's browser and would rather keep the console smooth than analyse more frames a second: the
// analysis is the elastic load (it takes the newest frame and drops the rest). On the 2-core machine shared with three
// Chromiums, 10 left the node 1-2 % of the CPU (cameras "stalled", the node dropped for silence); 0 left the console
// playing every tile.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const dataDir = resolve(process.env.MASKWATCH_DATA_DIR ?? join(root, 'data'));
const nodes = Number(process.env.MASKWATCH_INFERENCE_NODES ?? '1');
const graceS = Number(process.env.MASKWATCH_STOP_GRACE_S || '10');
if (!Number.isFinite(graceS) || graceS < 1 || graceS > 600) {
  process.stderr.write(
    `maskwatch: MASKWATCH_STOP_GRACE_S=${process.env.MASKWATCH_STOP_GRACE_S}: give 1 to 600 seconds\n`,
  );
  process.exit(2);
}
/** A repeated signal this soon after the first is the same stop delivered twice (to our pid and to our group). */
const DUPLICATE_MS = 1000;
const nodeNice = Number(process.env.MASKWATCH_INFERENCE_NICE || '0');
if (!Number.isInteger(nodeNice) || nodeNice < 0 || nodeNice > 19) {
  process.stderr.write(
    `maskwatch: MASKWATCH_INFERENCE_NICE=${process.env.MASKWATCH_INFERENCE_NICE}: give a whole number from 0 to 19\n`,
  );
  process.exit(2);
}
const SETPRIV = '/usr/bin/setpriv';
const NICE = '/usr/bin/nice';
const canTie =
  process.platform === 'linux' &&
  existsSync(SETPRIV) &&
  spawnSync(SETPRIV, ['--pdeathsig', 'TERM', '--', 'true'], { stdio: 'ignore', timeout: 5_000 }).status === 0;

/** Live children: pid -> process. */
const children = new Map();
const timers = new Set();
let stoppingSince;
let exitCode = 0;

/**
 * Gives the session (autogroup) of `pid` the nice value `nice`. The kernel takes one such change per 100 ms from an
 * unprivileged process (EAGAIN meanwhile): tried again a few times. Without autogroups (no such file) the process's
 * own nice is what counts, and it was set when it started.
 */
function niceSession(pid, nice, tries = 5) {
  try {
    writeFileSync(`/proc/${pid}/autogroup`, String(nice));
  } catch (err) {
    if (err.code === 'EAGAIN' && tries > 1) {
      const timer = setTimeout(() => {
        timers.delete(timer);
        if (children.has(pid)) niceSession(pid, nice, tries - 1);
      }, 150);
      timers.add(timer);
    } else if (err.code !== 'ENOENT') {
      process.stderr.write(`maskwatch: could not lower the CPU weight of process ${pid}'s session: ${err.message}\n`);
    }
  }
}

function run(name, entry, env = {}, nice = 0) {
  const node = [process.execPath, '--import', 'tsx', join(root, entry), ...process.argv.slice(2)];
  // `nice` before the program starts, so that every thread it makes (V8's, onnxruntime's) and every ffmpeg inherit it.
  const command = nice > 0 && existsSync(NICE) ? [NICE, '-n', String(nice), ...node] : node;
  const [file, ...args] = canTie ? [SETPRIV, '--pdeathsig', 'TERM', '--', ...command] : command;
  const child = spawn(file, args, {
    cwd: root,
    env: { ...process.env, MASKWATCH_LOG_NAME: name, ...env },
    stdio: 'inherit',
    detached: true,
  });
  if (child.pid !== undefined) {
    children.set(child.pid, child);
    // detached: the child leads a session of its own, made before spawn() returned.
    if (nice > 0) niceSession(child.pid, nice);
  }
  child.once('exit', () => {
    children.delete(child.pid);
    if (stoppingSince !== undefined && children.size === 0) finish();
  });
  return child;
}

/** Sends `signal` to a child's process group (the child and what it started), ignoring groups already gone. */
function signalGroup(pid, signal) {
  try {
    process.kill(-pid, signal);
  } catch {
    // gone
  }
}

function finish() {
  for (const timer of timers) clearTimeout(timer);
  process.exit(exitCode);
}

function stop(reason) {
  if (stoppingSince !== undefined) return;
  stoppingSince = Date.now();
  for (const timer of timers) clearTimeout(timer);
  timers.clear();
  if (children.size === 0) finish();
  process.stderr.write(`maskwatch: stopping (${reason})\n`);
  for (const pid of children.keys()) signalGroup(pid, 'SIGTERM');
  const kill = setTimeout(() => {
    for (const pid of children.keys()) {
      process.stderr.write(`maskwatch: process ${pid} still running after ${graceS} s: killing it\n`);
      signalGroup(pid, 'SIGKILL');
    }
    finish();
  }, graceS * 1000);
  timers.add(kill);
}

const server = run('server', 'apps/server/src/main.ts');
server.once('exit', (code, signal) => {
  exitCode = code ?? (signal ? 1 : 0);
  stop(`the server exited (${signal ?? code})`);
});

/** One inference node, started again after a crash: 1 s, doubling to 30 s, back to 1 s once it ran a minute. */
function superviseNode(index) {
  let delay = 1000;
  const later = (fn, ms) => {
    const timer = setTimeout(() => {
      timers.delete(timer);
      fn();
    }, ms);
    timers.add(timer);
  };
  const start = () => {
    if (stoppingSince !== undefined) return;
    // The node reads the secret the server makes at its first start.
    if (!process.env.MASKWATCH_INFERENCE_SECRET && !existsSync(join(dataDir, 'inference.secret'))) {
      later(start, 250);
      return;
    }
    const startedAt = Date.now();
    const node = run(
      'inference',
      'apps/inference/src/main.ts',
      nodes > 1 ? { MASKWATCH_NODE_NAME: `inference-${index}` } : {},
      nodeNice,
    );
    node.once('exit', (code, signal) => {
      if (stoppingSince !== undefined) return;
      if (Date.now() - startedAt > 60_000) delay = 1000;
      process.stderr.write(
        `maskwatch: inference node exited (${signal ?? code}); starting it again in ${delay / 1000} s\n`,
      );
      later(start, delay);
      delay = Math.min(30_000, delay * 2);
    });
  };
  start();
}
for (let i = 1; i <= nodes; i++) superviseNode(i);

for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(signal, () => {
    if (stoppingSince === undefined) {
      exitCode = 128 + ({ SIGHUP: 1, SIGINT: 2, SIGTERM: 15 }[signal] ?? 0);
      stop(signal);
      return;
    }
    if (Date.now() - stoppingSince < DUPLICATE_MS) return;
    process.stderr.write(`maskwatch: ${signal} again: killing everything now\n`);
    for (const pid of children.keys()) signalGroup(pid, 'SIGKILL');
    finish();
  });
}
// Whatever ends this process (an exception included), its children's groups go with it.
process.on('exit', () => {
  for (const pid of children.keys()) signalGroup(pid, 'SIGKILL');
});

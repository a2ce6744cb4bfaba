#!/usr/bin/env node
// `npm start`: the server and one inference node beside it, as two processes (run by infra/start.sh after the
// set-up). The node is restarted if it dies (with a growing pause); when the server ends, the node is stopped and
// this exits with the server's code. Ctrl-C (SIGINT) or SIGTERM stops both.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const dataDir = resolve(process.env.MASKWATCH_DATA_DIR ?? join(root, 'data'));
const nodes = Number(process.env.MASKWATCH_INFERENCE_NODES ?? '1');
let stopping = false;

function run(name, entry, env = {}) {
  return spawn(process.execPath, ['--import', 'tsx', join(root, entry), ...process.argv.slice(2)], {
    cwd: root,
    env: { ...process.env, MASKWATCH_LOG_NAME: name, ...env },
    stdio: 'inherit',
  });
}

const server = run('server', 'apps/server/src/main.ts');
const children = new Set([server]);
server.once('exit', (code, signal) => {
  stopping = true;
  for (const child of children) if (child !== server) child.kill('SIGTERM');
  process.exitCode = code ?? (signal ? 1 : 0);
});

/** One inference node, started again after a crash: 1 s, doubling to 30 s, back to 1 s once it ran a minute. */
function superviseNode(index) {
  let delay = 1000;
  const start = () => {
    if (stopping) return;
    // The node reads the secret the server makes at its first start.
    if (!process.env.MASKWATCH_INFERENCE_SECRET && !existsSync(join(dataDir, 'inference.secret'))) {
      setTimeout(start, 250);
      return;
    }
    const startedAt = Date.now();
    const node = run('inference', 'apps/inference/src/main.ts', nodes > 1 ? { MASKWATCH_NODE_NAME: `inference-${index}` } : {});
    children.add(node);
    node.once('exit', (code, signal) => {
      children.delete(node);
      if (stopping) return;
      if (Date.now() - startedAt > 60_000) delay = 1000;
      process.stderr.write(`maskwatch: inference node exited (${signal ?? code}); starting it again in ${delay / 1000} s\n`);
      setTimeout(start, delay);
      delay = Math.min(30_000, delay * 2);
    });
  };
  start();
}
for (let i = 1; i <= nodes; i++) superviseNode(i);

for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    stopping = true;
    for (const child of children) child.kill(signal);
  });
}

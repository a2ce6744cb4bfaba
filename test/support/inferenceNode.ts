/**
 * A real inference node (apps/inference) in a child process, for tests of live analysis: its own Node process,
 * its worker thread, its ffmpeg decoders, connected to a test server over the `/inference` namespace.
 *
 *   const node = await startInferenceNode({ serverUrl: server.url, dataDir: server.dataDir, nodeId: 'node-a' });
 *   node.kill('SIGKILL');                    // as a crash would
 *   await node.close();                      // SIGTERM, waits for the exit (safe after kill)
 *
 * It reads the shared secret the test server wrote under `dataDir` (or `env.MASKWATCH_INFERENCE_SECRET`). Ready
 * when the node logs that it joined the server. RTP ports are taken from a range of its own per node so that
 * nodes (and tests in other worktrees) do not race for them.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const MAIN = join(REPO_ROOT, 'apps/inference/src/main.ts');

export type InferenceNodeProcess = {
  nodeId: string;
  pid: number;
  process: ChildProcess;
  /** Everything the node logged (JSON lines), for assertions and failure messages. */
  output(): string;
  kill(signal: NodeJS.Signals): void;
  close(): Promise<void>;
};

export type InferenceNodeOptions = {
  serverUrl: string;
  dataDir: string;
  nodeId: string;
  env?: Record<string, string>;
  timeoutMs?: number;
};

let portBlock = 0;

export function startInferenceNode(options: InferenceNodeOptions): Promise<InferenceNodeProcess> {
  // 40 ports per node, above Linux's ephemeral range (to 60999), where no outgoing socket takes a port between its
  // probe and ffmpeg's bind. Test files running side by side (MASKWATCH_TEST_SLOT, from infra/run-tests.mjs) get
  // blocks of 800 of their own; within one, a block picked by pid, so that runs in other checkouts rarely overlap.
  const slot = Number(process.env.MASKWATCH_TEST_SLOT ?? 0) % 5;
  const base = 61000 + slot * 800 + ((process.pid * 7 + portBlock++ * 40) % 760);
  const proc = spawn(process.execPath, ['--import', 'tsx', MAIN], {
    cwd: REPO_ROOT,
    env: {
      ...process.env,
      MASKWATCH_SERVER_URL: options.serverUrl,
      MASKWATCH_DATA_DIR: options.dataDir,
      MASKWATCH_NODE_ID: options.nodeId,
      MASKWATCH_NODE_NAME: options.nodeId,
      MASKWATCH_NODE_RTP_PORTS: `${base}-${base + 39}`,
      MASKWATCH_LOG_FORMAT: 'json',
      MASKWATCH_LOG_LEVEL: process.env.MASKWATCH_NODE_LOG_LEVEL ?? 'info',
      ...options.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  proc.stdout.setEncoding('utf8');
  proc.stderr.setEncoding('utf8');
  proc.stderr.on('data', (chunk: string) => (log += chunk));
  const exited = new Promise<void>((done) => proc.once('exit', () => done()));
  let closed = false;
  const node: InferenceNodeProcess = {
    nodeId: options.nodeId,
    pid: proc.pid ?? -1,
    process: proc,
    output: () => log,
    kill: (signal) => {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill(signal);
    },
    async close() {
      if (closed) return;
      closed = true;
      if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGTERM');
      const timer = setTimeout(() => proc.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
  return new Promise((ready, reject) => {
    const timer = setTimeout(() => {
      void node.close();
      reject(new Error(`inference node ${options.nodeId} did not join within ${options.timeoutMs ?? 90_000} ms:\n${log.slice(-3000)}`));
    }, options.timeoutMs ?? 90_000);
    proc.stdout.on('data', (chunk: string) => {
      log += chunk;
      if (log.includes('"msg":"joined the server"')) {
        clearTimeout(timer);
        ready(node);
      }
    });
    proc.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`inference node exited before joining (code ${code}, signal ${signal}):\n${log.slice(-3000)}`));
    });
  });
}

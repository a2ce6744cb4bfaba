/**
 * A Maskwatch server (with the web pages unless `web: false`) in a child process, for tests that restart it
 * (Next.js cannot be loaded twice in one process: the second instance answers 500, "AwaiterOnce that was already
 * awaited") or kill it.
 *
 *   const server = await startServerProcess({ dataDir });
 *   await server.close();                     // SIGTERM, waits for the exit
 *   await server.kill();                      // SIGKILL (no handler of the server runs), waits for the exit
 */
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export type ServerProcess = {
  url: string;
  pid: number;
  close(): Promise<void>;
  /** Kills the process without letting it close anything (`SIGKILL`: a crash); resolves when it is gone. */
  kill9(): Promise<void>;
};

const child = join(dirname(fileURLToPath(import.meta.url)), 'serverProcess.child.ts');

export function startServerProcess(options: { dataDir: string; timeoutMs?: number; web?: boolean }): Promise<ServerProcess> {
  const proc = spawn(process.execPath, ['--import', 'tsx', child], {
    env: { ...process.env, MASKWATCH_TEST_DATA_DIR: options.dataDir, MASKWATCH_TEST_WEB: options.web === false ? 'off' : 'on' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise<number | null>((resolve) => proc.once('exit', (code) => resolve(code)));
  let closed = false;
  const close = async (): Promise<void> => {
    if (closed) return;
    closed = true;
    if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGTERM');
    const timer = setTimeout(() => proc.kill('SIGKILL'), 20_000);
    const code = await exited;
    clearTimeout(timer);
    if (code !== 0) throw new Error(`server process did not close cleanly (exit ${code})`);
  };
  const kill9 = async (): Promise<void> => {
    if (closed) return;
    closed = true;
    if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGKILL');
    await exited;
  };
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      close().catch(() => undefined);
      reject(new Error('server process did not start in time'));
    }, options.timeoutMs ?? 60_000);
    let buffer = '';
    proc.stdout.setEncoding('utf8');
    proc.stdout.on('data', (chunk: string) => {
      buffer += chunk;
      const match = /^MASKWATCH_URL (\S+)$/m.exec(buffer);
      if (match?.[1]) {
        clearTimeout(timer);
        resolve({ url: match[1], pid: proc.pid!, close, kill9 });
      }
    });
    proc.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`server process exited before it was ready (code ${code}, signal ${signal})`));
    });
  });
}

import { existsSync, readdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

/** The mediasoup version whose worker we run (the npm package's; see infra/mediasoup/build-worker.sh). */
export const MEDIASOUP_VERSION = '3.19.3';

/**
 * Makes sure MEDIASOUP_WORKER_BIN names a worker binary: the variable if it points to a file, else the build
 * cache of infra/mediasoup/build-worker.sh (~/.cache/mediasoup-worker/<version>-*). Must run before mediasoup is
 * imported (it reads the variable when its module loads). Returns the path, or undefined if none was found.
 */
export function ensureWorkerBin(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const fromEnv = env.MEDIASOUP_WORKER_BIN;
  if (fromEnv && existsSync(fromEnv)) return fromEnv;
  const cache = join(homedir(), '.cache', 'mediasoup-worker');
  if (!existsSync(cache)) return undefined;
  for (const name of readdirSync(cache).sort().reverse()) {
    const bin = join(cache, name, 'mediasoup-worker');
    if (name.startsWith(`${MEDIASOUP_VERSION}-`) && existsSync(bin)) {
      env.MEDIASOUP_WORKER_BIN = bin;
      return bin;
    }
  }
  return undefined;
}

/**
 * Starts a real Maskwatch server for a test: 127.0.0.1, a random free port, a fresh temp data dir (SQLite file
 * inside), 1 mediasoup worker, TLS off, ICE candidates on 127.0.0.1 only.
 *
 *   const server = await startTestServer();            // API + socket.io at server.url
 *   const server = await startTestServer({ web: true }); // also the Next.js pages (needs `npm run build -w @maskwatch/web`)
 *   const again = await startTestServer({ dataDir: server.dataDir }); // restart on the same data (close the first)
 *   await server.close();                               // closes everything; removes the temp dir it created
 *
 * `env` adds or overrides MASKWATCH_* variables. `server.internals` exposes the parts (db, media, cameras, ingest,
 * access) for tests that need to look inside. The first admin's password is TEST_ADMIN.password (see ./auth.ts for
 * signing in, viewer sockets and browser cameras with their publish links). MEDIASOUP_WORKER_BIN is taken from the environment or from the build cache
 * of infra/mediasoup/build-worker.sh (~/.cache/mediasoup-worker/3.19.3-*).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TimingOverrides } from '@maskwatch/server/config/ServerTiming';
import type { RunningServer } from '@maskwatch/server/http/createServer';
import { ensureWorkerBin as findWorkerBin } from '@maskwatch/server/media/workerBin';
import { TEST_ADMIN } from './credentials.ts';

export type TestServerOptions = {
  dataDir?: string;
  web?: boolean;
  env?: Record<string, string>;
  /** Shorter waits of the server's time-driven services (apps/server/src/config/ServerTiming.ts). */
  timing?: TimingOverrides;
};
export type TestServer = {
  url: string;
  dataDir: string;
  dbPath: string;
  internals: RunningServer['internals'];
  close(): Promise<void>;
};

/** The mediasoup worker binary, exported into the environment before mediasoup is loaded. */
export function ensureWorkerBin(): string {
  const bin = findWorkerBin();
  if (!bin) {
    throw new Error(
      'no mediasoup worker: run `MS_VERSION=3.19.3 bash infra/mediasoup/build-worker.sh` and export MEDIASOUP_WORKER_BIN',
    );
  }
  return bin;
}

export async function startTestServer(options: TestServerOptions = {}): Promise<TestServer> {
  ensureWorkerBin();
  // Quiet unless asked (MASKWATCH_LOG_LEVEL=debug node infra/run-tests.mjs test); read when the logger loads.
  process.env.MASKWATCH_LOG_LEVEL ??= 'warn';
  // Loaded only now: mediasoup reads MEDIASOUP_WORKER_BIN when its module loads.
  const { createServer } = await import('@maskwatch/server/http/createServer');
  const { loadConfig } = await import('@maskwatch/server/config/Config');
  const ownDir = options.dataDir === undefined;
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'maskwatch-test-'));
  const config = loadConfig({
    MASKWATCH_HOST: '127.0.0.1',
    MASKWATCH_PORT: '0',
    MASKWATCH_WORKERS: '1',
    MASKWATCH_TLS: 'off',
    MASKWATCH_ANNOUNCED_IPS: '127.0.0.1',
    MASKWATCH_DATA_DIR: dataDir,
    MASKWATCH_SERVE_WEB: options.web ? 'on' : 'off',
    MASKWATCH_ADMIN_PASSWORD: TEST_ADMIN.password,
    ...options.env,
  });
  const server = await createServer(config, { timing: options.timing });
  let closed = false;
  return {
    url: server.url,
    dataDir,
    dbPath: config.dbPath,
    internals: server.internals,
    async close() {
      if (closed) return;
      closed = true;
      await server.close();
      if (ownDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

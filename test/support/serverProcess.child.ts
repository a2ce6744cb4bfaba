// Child side of serverProcess.ts: starts the test server on the given data dir and prints its URL.
import { startTestServer } from './server.ts';

const dataDir = process.env.MASKWATCH_TEST_DATA_DIR;
if (!dataDir) throw new Error('MASKWATCH_TEST_DATA_DIR is not set');
const server = await startTestServer({ web: process.env.MASKWATCH_TEST_WEB !== 'off', dataDir });
process.stdout.write(`MASKWATCH_URL ${server.url}\n`);
const stop = (): void => {
  // A close() that hangs is a bug: say so and exit non-zero, so the restart that waits on it fails.
  const force = setTimeout(() => {
    process.stderr.write('server.close() did not finish within 15 s\n');
    process.exit(3);
  }, 15_000);
  server.close().then(
    () => {
      clearTimeout(force);
      process.exit(0);
    },
    (error: unknown) => {
      process.stderr.write(`server.close() failed: ${String(error)}\n`);
      process.exit(4);
    },
  );
};
process.once('SIGTERM', stop);
process.once('SIGINT', stop);

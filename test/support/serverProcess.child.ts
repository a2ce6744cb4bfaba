// Child side of serverProcess.ts: starts the test server on the given data dir and prints its URL.
import { startTestServer } from './server.ts';

const dataDir = process.env.MASKWATCH_TEST_DATA_DIR;
if (!dataDir) throw new Error('MASKWATCH_TEST_DATA_DIR is not set');
const server = await startTestServer({ web: true, dataDir });
process.stdout.write(`MASKWATCH_URL ${server.url}\n`);
const stop = (): void => {
  // The server's close() can wait on connected websockets; a test restart must not hang on it.
  const force = setTimeout(() => process.exit(0), 5_000);
  void server.close().finally(() => {
    clearTimeout(force);
    process.exit(0);
  });
};
process.once('SIGTERM', stop);
process.once('SIGINT', stop);

import { stopOnSignals } from '@maskwatch/common/process/stopOnSignals';
import { ConfigError, loadConfig, unknownVariables } from './config/Config.ts';
import { createLogger } from './logger.ts';
import { lanAddresses } from './media/network.ts';
import { ensureWorkerBin } from './media/workerBin.ts';
import { trustInstructions } from './tls/ensureCertificate.ts';

const log = createLogger('main');

let config;
try {
  config = loadConfig();
} catch (error) {
  if (error instanceof ConfigError) {
    process.stderr.write(`${error.message}\n`);
    process.exit(2);
  }
  throw error;
}
for (const name of unknownVariables()) log.warn({ variable: name }, 'unknown MASKWATCH_ variable (typo?)');
// Read once; child processes (ffmpeg) must not inherit it.
delete process.env.MASKWATCH_ADMIN_PASSWORD;
// From here on a stop signal is never lost: during start-up it is kept and acted on once the server exists.
const stop = stopOnSignals(log, { deadlineMs: config.stopDeadlineMs });

if (!ensureWorkerBin()) {
  process.stderr.write(
    'maskwatch: no mediasoup worker: run `MS_VERSION=3.19.3 bash infra/mediasoup/build-worker.sh` and export MEDIASOUP_WORKER_BIN\n',
  );
  process.exit(2);
}
// Imported only now: mediasoup reads MEDIASOUP_WORKER_BIN when its module loads.
const { createServer } = await import('./http/createServer.ts');

let server;
try {
  server = await createServer(config);
  stop.own(server);
} catch (error) {
  log.fatal({ err: error }, 'could not start');
  process.stderr.write(`maskwatch: could not start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
}
const { protocol, port } = new URL(server.url);
const hosts = config.host === '0.0.0.0' ? [...lanAddresses(), '127.0.0.1'] : [config.host];
const lines = ['', 'Maskwatch is running. Open:'];
for (const host of hosts) {
  const base = `${protocol}//${host}:${port}`;
  lines.push(
    `  ${host === '127.0.0.1' ? 'this machine' : 'LAN'}:  console ${base}/console   camera ${base}/camera   admin ${base}/admin`,
  );
}
lines.push(
  `  API: ${server.url}/api/health${server.servesWeb ? '' : '   (pages not served: build apps/web first)'}`,
  '',
);
if (server.firstAdmin) {
  // The only place this password ever appears: not in the log, not in the database (a hash only).
  lines.push(
    `${config.resetAdmin ? 'Admin reset' : 'First start'}: sign in as "${server.firstAdmin.username}" with the password:  ${server.firstAdmin.password}`,
    '  It is shown only this once. Change it on the Users page (or set MASKWATCH_ADMIN_PASSWORD before a first start).',
    '',
  );
} else {
  lines.push('Sign in at /login (the first admin is "admin"; other accounts are made on the Users page).', '');
}
if (server.certPath && server.selfSigned) lines.push(trustInstructions(server.certPath), '');
process.stdout.write(`${lines.join('\n')}\n`);

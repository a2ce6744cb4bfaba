import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { loadNodeConfig, NodeConfigError } from './NodeConfig.ts';

const dataDir = mkdtempSync(join(tmpdir(), 'maskwatch-node-config-'));
writeFileSync(join(dataDir, 'inference.secret'), `${'s'.repeat(64)}\n`);

test('beside the server with the same variables, the node finds it and its secret', () => {
  const config = loadNodeConfig({ MASKWATCH_DATA_DIR: dataDir, MASKWATCH_PORT: '3100' });
  assert.equal(config.serverUrl, 'https://127.0.0.1:3100', 'TLS is on when the server listens on every address');
  assert.equal(config.secret, 's'.repeat(64));
  assert.equal(config.fps, 5);
  assert.equal(config.executionProvider, 'cpu');
  assert.deepEqual(config.rtpPorts, { min: 61000, max: 61999 });
  assert.equal(config.maxCameras, 32);
  assert.equal(config.maxBatch, 8);
  // A camera takes a pair of ports: a range of 40 ports holds 20 cameras, whatever the limit says.
  const narrow = loadNodeConfig({ MASKWATCH_DATA_DIR: dataDir, MASKWATCH_NODE_RTP_PORTS: '62000-62039', MASKWATCH_NODE_MAX_CAMERAS: '64' });
  assert.equal(narrow.maxCameras, 20);
  const loopback = loadNodeConfig({ MASKWATCH_DATA_DIR: dataDir, MASKWATCH_HOST: '127.0.0.1' });
  assert.equal(loopback.serverUrl, 'http://127.0.0.1:3000');
});

test('bad values stop it, naming each variable; a node without a secret says how to get one', () => {
  assert.throws(
    () => loadNodeConfig({ MASKWATCH_DATA_DIR: dataDir, MASKWATCH_ANALYSIS_FPS: '0', MASKWATCH_NODE_RTP_PORTS: '9-8', MASKWATCH_EXECUTION_PROVIDER: 'tpu' }),
    (error: unknown) =>
      error instanceof NodeConfigError &&
      /MASKWATCH_ANALYSIS_FPS/.test(error.message) &&
      /MASKWATCH_NODE_RTP_PORTS/.test(error.message) &&
      /MASKWATCH_EXECUTION_PROVIDER/.test(error.message),
  );
  assert.throws(() => loadNodeConfig({ MASKWATCH_DATA_DIR: join(dataDir, 'none') }), /MASKWATCH_INFERENCE_SECRET/);
});

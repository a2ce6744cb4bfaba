/**
 * The systemd install (infra/systemd/install.sh) into a scratch root: the units it writes point at this checkout,
 * restart what crashes, run as the maskwatch user with the environment file and the hardening that mediasoup,
 * ffmpeg and Node tolerate, and pass `systemd-analyze verify`. (Starting them needs a machine run by systemd; the
 * README's install steps are for one.)
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { REPO_ROOT } from './support/rtsp.ts';

const hasSystemd = spawnSync('systemd-analyze', ['--version']).status === 0;
const built = existsSync(join(REPO_ROOT, 'apps/web/.next/BUILD_ID'));

/** `Key=value` lines of a unit (comments and sections left out), a key's values in order. */
function settings(unit: string): Map<string, string[]> {
  const map = new Map<string, string[]>();
  for (const line of unit.split('\n')) {
    const match = /^([A-Za-z]+)=(.*)$/.exec(line.trim());
    if (!match) continue;
    map.set(match[1]!, [...(map.get(match[1]!) ?? []), match[2]!]);
  }
  return map;
}

describe('systemd units (infra/systemd)', { skip: !hasSystemd ? 'no systemd-analyze' : !built ? 'apps/web is not built' : false }, () => {
  const root = mkdtempSync(join(tmpdir(), 'maskwatch-install-'));
  after(() => rmSync(root, { recursive: true, force: true }));

  test('install.sh writes verified units for this checkout, the worker and an env file only the group may read', () => {
    const out = execFileSync('bash', [join(REPO_ROOT, 'infra/systemd/install.sh')], {
      env: { ...process.env, MASKWATCH_INSTALL_ROOT: root },
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    assert.equal(out, '');
    const worker = join(root, 'usr/local/lib/maskwatch/mediasoup-worker');
    assert.ok(statSync(worker).mode & 0o111, 'the worker is executable');
    const env = join(root, 'etc/maskwatch/maskwatch.env');
    assert.equal(statSync(env).mode & 0o777, 0o640);
    assert.match(readFileSync(env, 'utf8'), /^MEDIASOUP_WORKER_BIN=\/usr\/local\/lib\/maskwatch\/mediasoup-worker$/m);

    for (const [name, entry] of [
      ['maskwatch-server.service', 'apps/server/src/main.ts'],
      ['maskwatch-inference@.service', 'apps/inference/src/main.ts'],
    ] as const) {
      const unit = settings(readFileSync(join(root, 'etc/systemd/system', name), 'utf8'));
      assert.deepEqual(unit.get('WorkingDirectory'), [REPO_ROOT], name);
      assert.deepEqual(unit.get('ExecStart'), [`/usr/bin/node --import tsx ${entry}`], name);
      assert.deepEqual(unit.get('Restart'), ['always'], name);
      assert.deepEqual(unit.get('User'), ['maskwatch'], name);
      assert.equal(unit.get('EnvironmentFile')?.[0], '/etc/maskwatch/maskwatch.env', name);
      assert.deepEqual(unit.get('StateDirectory'), ['maskwatch'], name);
      for (const hardening of ['NoNewPrivileges=yes', 'ProtectSystem=strict', 'ProtectHome=yes', 'PrivateTmp=yes', 'CapabilityBoundingSet='])
        assert.ok(unit.get(hardening.split('=')[0]!)?.includes(hardening.split('=')[1]!), `${name}: ${hardening}`);
      // V8 compiles code at run time: W^X memory would stop Node at its first function.
      assert.equal(unit.get('MemoryDenyWriteExecute'), undefined, `${name} must not deny W+X memory`);
    }
    // The node yields the CPU to the server's media path on a shared machine; the server does not.
    const inference = settings(readFileSync(join(root, 'etc/systemd/system/maskwatch-inference@.service'), 'utf8'));
    const server = settings(readFileSync(join(root, 'etc/systemd/system/maskwatch-server.service'), 'utf8'));
    assert.ok(Number(inference.get('CPUWeight')?.[0]) < Number(server.get('CPUWeight')?.[0] ?? 100), 'inference CPUWeight');
    // A second run keeps the edited env file.
    execFileSync('bash', ['-c', `echo MASKWATCH_PORT=3443 >> ${env}`]);
    execFileSync('bash', [join(REPO_ROOT, 'infra/systemd/install.sh')], { env: { ...process.env, MASKWATCH_INSTALL_ROOT: root }, stdio: 'ignore' });
    assert.match(readFileSync(env, 'utf8'), /MASKWATCH_PORT=3443/);
  });

  test('a unit with a typo is refused by the same verification', () => {
    const broken = join(root, 'broken.service');
    execFileSync('bash', ['-c', `sed 's/^ExecStart=/ExecStrat=/' ${join(REPO_ROOT, 'infra/systemd/maskwatch-server.service')} > ${broken}`]);
    const result = spawnSync('systemd-analyze', ['verify', broken], { encoding: 'utf8' });
    assert.match(`${result.stdout}${result.stderr}`, /ExecStrat|Unknown key|lacks both ExecStart/i);
  });
});

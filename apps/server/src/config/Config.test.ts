import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError, loadConfig, unknownVariables } from './Config.ts';

describe('loadConfig', () => {
  test('defaults', () => {
    const config = loadConfig({}, '/srv');
    assert.equal(config.port, 3000);
    assert.equal(config.host, '0.0.0.0');
    assert.equal(config.announcedIps, 'auto');
    assert.equal(config.tls, 'auto');
    assert.ok(config.workers >= 1);
    assert.ok(config.dbPath.endsWith('/data/maskwatch.db'));
  });

  test('parses values and resolves relative paths', () => {
    const config = loadConfig(
      {
        MASKWATCH_PORT: '8443',
        MASKWATCH_ANNOUNCED_IPS: '192.168.1.5, 127.0.0.1',
        MASKWATCH_DATA_DIR: 'd',
        MASKWATCH_TLS: 'off',
      },
      '/srv',
    );
    assert.equal(config.port, 8443);
    assert.deepEqual(config.announcedIps, ['192.168.1.5', '127.0.0.1']);
    assert.equal(config.dataDir, '/srv/d');
    assert.equal(config.dbPath, '/srv/d/maskwatch.db');
    assert.equal(config.tls, 'off');
  });

  test('rejects bad values naming the exact variable', () => {
    const cases: [Record<string, string>, RegExp][] = [
      [{ MASKWATCH_PORT: 'abc' }, /MASKWATCH_PORT="abc"/],
      [{ MASKWATCH_PORT: '70000' }, /MASKWATCH_PORT/],
      [{ MASKWATCH_TLS: 'maybe' }, /MASKWATCH_TLS="maybe"/],
      [{ MASKWATCH_ANNOUNCED_IPS: 'not-an-ip' }, /MASKWATCH_ANNOUNCED_IPS/],
      [{ MASKWATCH_RTC_MIN_PORT: '50000', MASKWATCH_RTC_MAX_PORT: '40000' }, /MASKWATCH_RTC_MAX_PORT/],
      [{ MASKWATCH_WORKERS: '0' }, /MASKWATCH_WORKERS/],
      [{ MASKWATCH_TLS_CERT: '/x.pem' }, /MASKWATCH_TLS_KEY/],
    ];
    for (const [env, pattern] of cases) {
      assert.throws(
        () => loadConfig(env),
        (e) => e instanceof ConfigError && pattern.test(e.message),
        JSON.stringify(env),
      );
    }
  });

  test('access settings: admin password checked but never repeated, session length, extra host names', () => {
    const config = loadConfig({ MASKWATCH_ADMIN_PASSWORD: 'a long enough one', MASKWATCH_ALLOWED_HOSTS: 'Maskwatch.lan, 10.0.0.9' });
    assert.equal(config.adminPassword, 'a long enough one');
    assert.equal(config.sessionHours, 12);
    assert.deepEqual(config.allowedHosts, ['maskwatch.lan', '10.0.0.9']);
    assert.throws(
      () => loadConfig({ MASKWATCH_ADMIN_PASSWORD: 'short-pw' }),
      (e) => e instanceof ConfigError && /MASKWATCH_ADMIN_PASSWORD=\(hidden\): password is shorter/.test(e.message) && !e.message.includes('short-pw'),
    );
    assert.throws(() => loadConfig({ MASKWATCH_SESSION_HOURS: '0' }), ConfigError);
  });

  test('reports unknown MASKWATCH_ variables', () => {
    assert.deepEqual(unknownVariables({ MASKWATCH_PROT: '1', MASKWATCH_PORT: '1', HOME: '/' }), ['MASKWATCH_PROT']);
  });
});

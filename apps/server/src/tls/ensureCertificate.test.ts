import { X509Certificate } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ensureCertificate } from './ensureCertificate.ts';

describe('ensureCertificate', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'maskwatch-tls-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  test('generates a self-signed certificate for localhost and 127.0.0.1 once, then reuses it', async () => {
    const first = await ensureCertificate(dir);
    assert.equal(first.generated, true);
    const x509 = new X509Certificate(first.cert);
    assert.equal(x509.checkHost('localhost'), 'localhost');
    assert.equal(x509.checkIP('127.0.0.1'), '127.0.0.1');
    assert.equal(first.certPath, join(dir, 'tls', 'cert.pem'));
    const second = await ensureCertificate(dir);
    assert.equal(second.generated, false);
    assert.equal(second.cert, first.cert);
  });

  test('a configured certificate is used as is', async () => {
    const made = await ensureCertificate(dir);
    const given = await ensureCertificate(join(dir, 'elsewhere'), { cert: made.certPath, key: made.keyPath });
    assert.equal(given.generated, false);
    assert.equal(given.cert, made.cert);
  });
});

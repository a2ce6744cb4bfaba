import { X509Certificate } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { generate } from 'selfsigned';
import { createLogger } from '../logger.ts';
import { lanAddresses } from '../media/network.ts';

const log = createLogger('tls');

export type Certificate = { cert: string; key: string; certPath: string; keyPath: string; generated: boolean };

type GenerateResult = { private: string; cert: string };
const generateAsync = promisify(
  generate as (attrs: unknown, options: unknown, done: (err: Error | null, pems: GenerateResult) => void) => void,
);

/**
 * The configured certificate, or a self-signed one made at first start in `<dataDir>/tls/` with the LAN addresses,
 * 127.0.0.1 and localhost as subject alternative names; later starts reuse it (so browsers trust it once). A cert
 * that no longer covers the machine's current LAN addresses is made again.
 */
export async function ensureCertificate(
  dataDir: string,
  configured?: { cert: string; key: string },
): Promise<Certificate> {
  if (configured) {
    return {
      cert: readFileSync(configured.cert, 'utf8'),
      key: readFileSync(configured.key, 'utf8'),
      certPath: configured.cert,
      keyPath: configured.key,
      generated: false,
    };
  }
  const dir = join(dataDir, 'tls');
  const certPath = join(dir, 'cert.pem');
  const keyPath = join(dir, 'key.pem');
  const ips = [...new Set(['127.0.0.1', ...lanAddresses()])];
  if (existsSync(certPath) && existsSync(keyPath)) {
    const cert = readFileSync(certPath, 'utf8');
    const x509 = new X509Certificate(cert);
    const covers = ips.every((ip) => x509.checkIP(ip) !== undefined);
    if (covers && new Date(x509.validTo) > new Date(Date.now() + 86_400_000)) {
      return { cert, key: readFileSync(keyPath, 'utf8'), certPath, keyPath, generated: false };
    }
    log.warn({ certPath }, 'the saved certificate does not cover this machine any more; making a new one');
  }
  const pems = await generateAsync([{ name: 'commonName', value: 'Maskwatch (self-signed)' }], {
    days: 825,
    keySize: 2048,
    algorithm: 'sha256',
    extensions: [
      { name: 'basicConstraints', cA: false },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true },
      { name: 'extKeyUsage', serverAuth: true },
      { name: 'subjectAltName', altNames: [{ type: 2, value: 'localhost' }, ...ips.map((ip) => ({ type: 7, ip }))] },
    ],
  });
  mkdirSync(dir, { recursive: true });
  writeFileSync(keyPath, pems.private, { mode: 0o600 });
  writeFileSync(certPath, pems.cert);
  log.info({ certPath, sans: ['localhost', ...ips] }, 'generated a self-signed certificate');
  return { cert: pems.cert, key: pems.private, certPath, keyPath, generated: true };
}

/** What to tell the person at the console so phones and browsers accept the certificate. */
export function trustInstructions(certPath: string): string {
  return [
    `TLS: self-signed certificate ${certPath}`,
    '  Browsers warn once per device: open the URL and accept ("Advanced" -> "Proceed"), or trust the file:',
    `  Linux/Chromium: certutil -d sql:$HOME/.pki/nssdb -A -t "P,," -n maskwatch -i ${certPath}`,
    `  macOS: sudo security add-trusted-cert -d -r trustAsRoot -k /Library/Keychains/System.keychain ${certPath}`,
    '  Android/iOS: copy cert.pem to the phone and install it as a CA certificate (Settings -> Security).',
  ].join('\n');
}

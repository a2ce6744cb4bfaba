import { randomBytes, timingSafeEqual } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** The file that holds the shared secret of the server and its inference nodes, under the data folder. */
export function inferenceSecretPath(dataDir: string): string {
  return join(dataDir, 'inference.secret');
}

/**
 * The server's side: `configured` (MASKWATCH_INFERENCE_SECRET) if set, else the secret stored under the data folder,
 * made at first start (32 random bytes as hex, readable by this user only).
 */
export function ensureInferenceSecret(dataDir: string, configured?: string): string {
  if (configured) return configured;
  const path = inferenceSecretPath(dataDir);
  if (existsSync(path)) {
    const stored = readFileSync(path, 'utf8').trim();
    if (stored.length >= 16) return stored;
  }
  mkdirSync(dataDir, { recursive: true });
  const secret = randomBytes(32).toString('hex');
  writeFileSync(path, `${secret}\n`, { mode: 0o600 });
  chmodSync(path, 0o600);
  return secret;
}

/** A node's side: `configured` if set, else the file the server made (a node on the server's machine). */
export function readInferenceSecret(dataDir: string, configured?: string): string | undefined {
  if (configured) return configured;
  const path = inferenceSecretPath(dataDir);
  if (!existsSync(path)) return undefined;
  const stored = readFileSync(path, 'utf8').trim();
  return stored.length >= 16 ? stored : undefined;
}

/** Compares two secrets in constant time (for equal lengths; a length mismatch is refused at once). */
export function secretsMatch(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

import { createHash, randomBytes } from 'node:crypto';
import { CameraTokenRepository, type CameraTokenRecord } from '@maskwatch/db/CameraTokenRepository';
import type { Database } from '@maskwatch/db/Database';
import { PublishTokenSchema } from '@maskwatch/protocol/auth';
import { EnhancedEmitter } from '../EnhancedEmitter.ts';

export type CameraTokensEvents = {
  /** The camera's token was revoked or replaced: connections that used the old one stop now. */
  revoked: [cameraId: string];
};

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/**
 * Publish tokens of browser cameras: 256 random bits, handed out once (in the publish link), stored as SHA-256.
 * A token lets its holder publish to its one camera and nothing else.
 */
export class CameraTokens extends EnhancedEmitter<CameraTokensEvents> {
  readonly #repo: CameraTokenRepository;

  constructor(db: Database) {
    super();
    this.#repo = new CameraTokenRepository(db);
  }

  /** A new token for the camera; any previous one stops working at once. */
  issue(cameraId: string, createdBy: string | null): { token: string; record: CameraTokenRecord } {
    const token = randomBytes(32).toString('base64url');
    const hadOne = this.#repo.list().some((record) => record.cameraId === cameraId);
    const record = this.#repo.set(cameraId, sha256(token), createdBy);
    if (hadOne) this.safeEmit('revoked', cameraId);
    return { token, record };
  }

  /** Returns whether there was a token to revoke. */
  revoke(cameraId: string): boolean {
    const removed = this.#repo.remove(cameraId);
    if (removed) this.safeEmit('revoked', cameraId);
    return removed;
  }

  /** The camera a token publishes to, if it is a current token. */
  cameraIdFor(token: unknown): string | undefined {
    const parsed = PublishTokenSchema.safeParse(token);
    return parsed.success ? this.#repo.cameraIdFor(sha256(parsed.data)) : undefined;
  }

  list(): CameraTokenRecord[] {
    return this.#repo.list();
  }
}

import { AuditRepository } from '@maskwatch/db/AuditRepository';
import type { Database } from '@maskwatch/db/Database';
import type { AuditEntry } from '@maskwatch/protocol/auth';
import type { Caller } from './Caller.ts';
import { createLogger } from '../logger.ts';

const log = createLogger('AuditLog');

/** Who acted: a signed-in caller, a camera (by its publish token), or the server itself. */
export type Actor = Caller | { camera: string; address: string } | 'system';

/**
 * The audit log: sign-ins, user, camera and settings changes, alert acknowledgements. Each entry names who, what,
 * when and to what. Never put a secret in `detail` (passwords, tokens, RTSP credentials).
 */
export class AuditLog {
  readonly #repo: AuditRepository;

  constructor(db: Database) {
    this.#repo = new AuditRepository(db);
  }

  /**
   * Appends an entry. `action` is `<thing>.<verb>` (`session.login`, `camera.update`, `alert.acknowledge`), `target`
   * the id it concerns. A failure to write is logged, not thrown: the action itself already happened.
   */
  record(actor: Actor, action: string, target: string | null = null, detail: Record<string, unknown> | null = null): void {
    const who =
      actor === 'system'
        ? { actorId: null, actor: 'system', address: null }
        : 'camera' in actor
          ? { actorId: null, actor: `camera:${actor.camera}`, address: actor.address }
          : { actorId: actor.user?.id ?? null, actor: actor.user?.username ?? 'anonymous', address: actor.address };
    try {
      this.#repo.append({ ...who, action, target, detail });
    } catch (error) {
      log.error({ err: error, action }, 'cannot write the audit log');
    }
  }

  page(limit: number, before?: number): { entries: AuditEntry[]; nextBefore: number | null } {
    const entries = this.#repo.page(limit, before);
    return { entries, nextBefore: entries.length === limit ? (entries.at(-1)?.id ?? null) : null };
  }
}

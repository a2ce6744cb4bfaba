import type * as ort from 'onnxruntime-node';

import type { Logger } from '../logger.ts';

/**
 * An InferenceSession with its lifetime: runs are counted, and `close()` releases the session once no run is in
 * progress (at once when idle, otherwise when the last run settles). Safe to close twice.
 */
export class OwnedSession {
  readonly session: ort.InferenceSession;
  readonly #logger: Logger;
  #closed = false;
  #released = false;
  #inFlight = 0;

  constructor(session: ort.InferenceSession, logger: Logger) {
    this.session = session;
    this.#logger = logger;
  }

  get closed(): boolean {
    return this.#closed;
  }

  async run(feeds: ort.InferenceSession.FeedsType): Promise<ort.InferenceSession.OnnxValueMapType> {
    this.#inFlight++;
    try {
      return await this.session.run(feeds);
    } finally {
      this.#inFlight--;
      this.#releaseIfIdle();
    }
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#releaseIfIdle();
  }

  #releaseIfIdle(): void {
    if (!this.#closed || this.#released || this.#inFlight > 0) return;
    this.#released = true;
    this.session.release().catch((error: unknown) => {
      this.#logger.warn({ err: (error as Error).message }, 'releasing the session failed');
    });
  }
}

export type RateLimiterOptions = {
  /** Requests allowed in a burst. */
  burst: number;
  /** Requests per second over time. */
  perSecond: number;
  /** Refusals within `floodWindowMs` after which the connection is taken as a flood (and dropped by its owner). */
  floodRefusals: number;
  floodWindowMs: number;
  now?: () => number;
};

/** Signalling: a page needs a few dozen requests to start (more for a console of many cameras), then a few a second. */
export const SIGNALLING_LIMITS: RateLimiterOptions = { burst: 200, perSecond: 50, floodRefusals: 500, floodWindowMs: 10_000 };

/** A token bucket for one connection's requests, that also notices a client that keeps going past its limit. */
export class RateLimiter {
  readonly #options: Required<RateLimiterOptions>;
  #tokens: number;
  #at: number;
  #refusals = 0;
  #windowStart: number;

  constructor(options: RateLimiterOptions = SIGNALLING_LIMITS) {
    this.#options = { now: Date.now, ...options };
    this.#tokens = options.burst;
    this.#at = this.#options.now();
    this.#windowStart = this.#at;
  }

  /** Takes one request's token; false when the caller must refuse the request. */
  take(): boolean {
    const now = this.#options.now();
    this.#tokens = Math.min(this.#options.burst, this.#tokens + ((now - this.#at) / 1000) * this.#options.perSecond);
    this.#at = now;
    if (this.#tokens >= 1) {
      this.#tokens -= 1;
      return true;
    }
    if (now - this.#windowStart > this.#options.floodWindowMs) {
      this.#windowStart = now;
      this.#refusals = 0;
    }
    this.#refusals++;
    return false;
  }

  /** Whether the client kept sending far past its limit: its owner should drop the connection. */
  get flooding(): boolean {
    return this.#refusals >= this.#options.floodRefusals;
  }
}

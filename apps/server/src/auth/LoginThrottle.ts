/** One throttling rule: `free` failures per `windowMs`, then each further failure doubles the wait (1 s, 2 s, ...). */
type Rule = { free: number; windowMs: number };

export type LoginThrottleOptions = {
  /** Failures for one account from one address (the tightest rule: a typo-prone user only slows themselves). */
  pair?: Rule;
  /** Failures for one account from anywhere (guessing from many addresses). */
  account?: Rule;
  /** Failures from one address for any account (password spraying). */
  address?: Rule;
  maxWaitMs?: number;
  /** Keys kept per rule; the oldest are dropped beyond it (random usernames must not grow memory). */
  maxKeys?: number;
  now?: () => number;
};

const DEFAULTS = {
  pair: { free: 5, windowMs: 15 * 60_000 },
  account: { free: 20, windowMs: 15 * 60_000 },
  address: { free: 30, windowMs: 15 * 60_000 },
  maxWaitMs: 15 * 60_000,
  maxKeys: 10_000,
};

type Entry = { failures: number[]; blockedUntil: number };

/**
 * The key an address is throttled by: IPv4 as it is (IPv4-mapped IPv6 too), IPv6 by its /64 (one subscriber's
 * prefix: counting single addresses there would give a guesser 2^64 fresh ones).
 */
export function addressKey(address: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped?.[1]) return mapped[1];
  if (!address.includes(':')) return address;
  const [head = '', tail = ''] = address.toLowerCase().replace(/%.*$/, '').split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const groups = address.includes('::') ? [...left, ...Array(Math.max(0, 8 - left.length - right.length)).fill('0'), ...right] : left;
  return `${groups
    .slice(0, 4)
    .map((group) => (Number.parseInt(group, 16) || 0).toString(16))
    .join(':')}::/64`;
}

/**
 * Throttles password guessing: failed sign-ins are counted per account+address, per account and per address; past a
 * rule's free failures the next attempt must wait, doubling each time. In memory: a restart forgets (an attacker
 * gains one window).
 *
 * No one's failures block another address's correct password: the account rule holds back only addresses that
 * have themselves failed on that account in its window (an address that never got it wrong is always heard; a
 * guesser spread over many addresses gets one try per address, then waits with the rest). The address rule holds
 * back only its own address. Addresses are compared as networks where one holder has many of them: an IPv6 address
 * by its /64, an IPv4-mapped one as IPv4.
 */
export class LoginThrottle {
  readonly #rules: { pair: Rule; account: Rule; address: Rule };
  readonly #maxWaitMs: number;
  readonly #maxKeys: number;
  readonly #now: () => number;
  readonly #entries = { pair: new Map<string, Entry>(), account: new Map<string, Entry>(), address: new Map<string, Entry>() };

  constructor(options: LoginThrottleOptions = {}) {
    this.#rules = {
      pair: options.pair ?? DEFAULTS.pair,
      account: options.account ?? DEFAULTS.account,
      address: options.address ?? DEFAULTS.address,
    };
    this.#maxWaitMs = options.maxWaitMs ?? DEFAULTS.maxWaitMs;
    this.#maxKeys = options.maxKeys ?? DEFAULTS.maxKeys;
    this.#now = options.now ?? Date.now;
  }

  /** Milliseconds to wait before `username` may be tried from `address` again; 0 when it may be tried now. */
  waitMs(username: string, address: string): number {
    const now = this.#now();
    let wait = 0;
    const keys = this.#keys(username, address);
    const pair = this.#entries.pair.get(keys[0][1]);
    const triedHere = pair !== undefined && pair.failures.some((at) => now - at < this.#rules.account.windowMs);
    for (const [kind, key] of keys) {
      if (kind === 'account' && !triedHere) continue;
      const entry = this.#entries[kind].get(key);
      if (entry) wait = Math.max(wait, entry.blockedUntil - now);
    }
    return wait;
  }

  failed(username: string, address: string): void {
    const now = this.#now();
    for (const [kind, key] of this.#keys(username, address)) {
      const rule = this.#rules[kind];
      const map = this.#entries[kind];
      const entry = map.get(key) ?? { failures: [], blockedUntil: 0 };
      entry.failures = entry.failures.filter((at) => now - at < rule.windowMs);
      entry.failures.push(now);
      const excess = entry.failures.length - rule.free;
      if (excess > 0) entry.blockedUntil = now + Math.min(this.#maxWaitMs, 1000 * 2 ** (excess - 1));
      map.delete(key); // re-inserted last: Map order is the eviction order
      map.set(key, entry);
      if (map.size > this.#maxKeys) map.delete(map.keys().next().value as string);
    }
  }

  /** A correct password: the account's own counters start again (the address's do not: one good account must not
   * reset a sprayer's count). */
  succeeded(username: string, address: string): void {
    this.#entries.pair.delete(this.#keys(username, address)[0][1]);
    this.#entries.account.delete(username);
  }

  #keys(username: string, address: string): [['pair', string], ['account', string], ['address', string]] {
    const network = addressKey(address);
    return [
      ['pair', `${username}\n${network}`],
      ['account', username],
      ['address', network],
    ];
  }
}

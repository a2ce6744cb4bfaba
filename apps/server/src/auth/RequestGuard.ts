import { randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { isIP } from 'node:net';

export type RequestGuardOptions = {
  /** Host names and addresses this server answers to (the Host header's host part, lower case, IPv6 without []). */
  hosts: Iterable<string>;
  tls: boolean;
};

/** Methods that change state: they must come from our own pages (or from a client that is not a browser). */
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** The host part of a Host header (`[::1]:3000` -> `::1`), lower case; undefined when malformed. */
export function hostOf(header: string | undefined): string | undefined {
  if (!header || header.length > 255) return undefined;
  const match = /^(?:\[([0-9a-fA-F:.]+)\]|([^:[\]/\s@]+))(?::(\d{1,5}))?$/.exec(header);
  if (!match) return undefined;
  const host = (match[1] ?? match[2] ?? '').toLowerCase();
  if (match[1] && isIP(match[1]) !== 6) return undefined;
  return host.replace(/\.$/, '');
}

/**
 * What every request must pass before it reaches the API, socket.io or the pages:
 * - a Host header naming this server (DNS rebinding: a page on another name resolving to us is turned away);
 * - for state-changing requests and socket.io, an Origin that is this origin, when the client says one
 *   (browsers do; SameSite=Strict cookies are the second line: they are not sent from another site at all);
 * - response headers for pages: a nonce-based CSP, no framing, no sniffing, no referrer.
 */
export class RequestGuard {
  readonly #hosts: Set<string>;
  readonly #scheme: 'http' | 'https';

  constructor(options: RequestGuardOptions) {
    this.#hosts = new Set([...options.hosts].map((host) => host.toLowerCase().replace(/^\[|\]$/g, '')));
    this.#scheme = options.tls ? 'https' : 'http';
  }

  get hosts(): ReadonlySet<string> {
    return this.#hosts;
  }

  hostAllowed(req: IncomingMessage): boolean {
    const host = hostOf(req.headers.host);
    return host !== undefined && this.#hosts.has(host);
  }

  /** Why a request may not change state from where it came, or null when it may. */
  originProblem(req: IncomingMessage): string | null {
    if (SAFE_METHODS.has(req.method ?? 'GET')) return null;
    return this.#crossOrigin(req);
  }

  /** socket.io handshakes and upgrades: our Host, and our Origin when one is given. */
  socketProblem(req: IncomingMessage): string | null {
    if (!this.hostAllowed(req)) return 'unknown host';
    return this.#crossOrigin(req);
  }

  /** This server's origin as the client addressed it (the Host header, already checked). */
  originOf(req: IncomingMessage): string {
    return `${this.#scheme}://${req.headers.host ?? 'localhost'}`;
  }

  /**
   * Headers for a page, with a fresh script nonce. Next.js reads the nonce from the request's
   * Content-Security-Policy header and puts it on its own scripts (pages are rendered per request for this).
   * `allowEval`: the camera page's on-device face detector (TensorFlow.js, MediaPipe's wasm glue) evaluates strings;
   * no other page may.
   */
  pageHeaders(options: { allowEval?: boolean } = {}): { nonce: string; policy: string; headers: Record<string, string> } {
    const nonce = randomBytes(16).toString('base64');
    const policy = [
      "default-src 'self'",
      // strict-dynamic: scripts that our nonce-bearing scripts load are trusted; nothing inline or injected is.
      `script-src 'self' 'nonce-${nonce}' 'strict-dynamic' 'wasm-unsafe-eval'${options.allowEval ? " 'unsafe-eval'" : ''}`,
      "style-src 'self' 'unsafe-inline'",
      "img-src 'self' data: blob:",
      "media-src 'self' blob: mediastream:",
      "connect-src 'self'",
      "worker-src 'self' blob:",
      "font-src 'self' data:",
      "object-src 'none'",
      "base-uri 'none'",
      "form-action 'self'",
      "frame-ancestors 'none'",
    ].join('; ');
    const headers: Record<string, string> = {
      'content-security-policy': policy,
      'x-frame-options': 'DENY',
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'no-referrer',
      'cross-origin-opener-policy': 'same-origin',
      'permissions-policy': 'camera=(self), microphone=(), geolocation=(), payment=(), usb=()',
    };
    if (this.#scheme === 'https') headers['strict-transport-security'] = 'max-age=15552000';
    return { nonce, policy, headers };
  }

  #crossOrigin(req: IncomingMessage): string | null {
    const origin = req.headers.origin;
    if (origin !== undefined) {
      return origin.toLowerCase() === this.originOf(req).toLowerCase() ? null : `requests from ${origin.slice(0, 100)} are not accepted`;
    }
    // No Origin: a browser says where the request came from in Sec-Fetch-Site; anything else is not a browser.
    const site = req.headers['sec-fetch-site'];
    if (site !== undefined && site !== 'same-origin' && site !== 'none') return `cross-site requests (${site}) are not accepted`;
    return null;
  }
}

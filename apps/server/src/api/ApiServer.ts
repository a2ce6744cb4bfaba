import type { IncomingMessage, ServerResponse } from 'node:http';
import { roleAllows } from '@maskwatch/protocol/auth';
import { HTTP_STATUS, MaskwatchError, parseOrThrow, type ErrorBody } from '@maskwatch/protocol/errors';
import type { ErrorResponse } from '@maskwatch/protocol/http';
import { createLogger } from '../logger.ts';
import { readJsonBody } from './readJsonBody.ts';
import type { Caller } from '../auth/Caller.ts';
import type { Reply, Route } from './Route.ts';
import { pathSegments, RouteTable } from './RouteTable.ts';

const log = createLogger('ApiServer');

/** Headers on every API answer: never cached, never sniffed, never framed or run as a document. */
const API_HEADERS = {
  'cache-control': 'no-store',
  'x-content-type-options': 'nosniff',
  'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
} as const;

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    ...API_HEADERS,
    ...headers,
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
  });
  res.end(text);
}

function sendError(res: ServerResponse, error: ErrorBody, headers: Record<string, string> = {}): void {
  const body: ErrorResponse = { error };
  send(res, HTTP_STATUS[error.code], body, headers);
}

function sendReply(req: IncomingMessage, res: ServerResponse, reply: Reply): void {
  const headers = reply.headers ?? {};
  if ('bytes' in reply) {
    res.writeHead(reply.status ?? 200, {
      ...API_HEADERS,
      ...headers,
      'content-type': reply.contentType,
      'content-length': reply.bytes.length,
    });
    res.end(req.method === 'HEAD' ? undefined : reply.bytes);
    return;
  }
  if (!('body' in reply)) {
    res.writeHead(204, { ...API_HEADERS, ...headers }).end();
    return;
  }
  send(res, reply.status ?? 200, reply.body, headers);
}

function parseQuery(search: URLSearchParams): Record<string, string> {
  const query: Record<string, string> = {};
  for (const [key, value] of search) {
    if (Object.hasOwn(query, key)) throw new MaskwatchError('bad_request', `query parameter "${key.slice(0, 40)}" is repeated`);
    query[key] = value;
  }
  return query;
}

export type ApiServerOptions = {
  /** Who is calling (the session cookie's user); nobody is signed in when absent. */
  identify?: (req: IncomingMessage) => Caller;
  /** Why a request may not change state from where it came (another site's page), or null. */
  originProblem?: (req: IncomingMessage) => string | null;
};

/**
 * REST under /api, from a route table: each route declares its method, path, access level and schemas, and the
 * server checks them in that order (route, method, origin, access, then params, query and body) before the handler
 * runs: no session 401 `unauthorized`, wrong role 403 `forbidden`.
 * Errors become `{ error: ErrorBody }` with the status of their code.
 */
export class ApiServer {
  readonly table: RouteTable;
  readonly #identify: (req: IncomingMessage) => Caller;
  readonly #originProblem: (req: IncomingMessage) => string | null;

  constructor(routes: readonly Route[], options: ApiServerOptions = {}) {
    this.table = new RouteTable(routes);
    this.#originProblem = options.originProblem ?? (() => null);
    this.#identify =
      options.identify ?? ((req) => ({ user: null, sessionId: null, address: req.socket.remoteAddress ?? '' }));
  }

  /** Whether `pathname` belongs to the API (everything else goes to the pages). */
  static matches(pathname: string): boolean {
    return pathname === '/api' || pathname.startsWith('/api/');
  }

  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    try {
      const immediate = this.table.immediate(req.method ?? 'GET', (req.url ?? '/').split('?')[0] ?? '/');
      if (immediate) {
        req.resume();
        const anonymous: Caller = { user: null, sessionId: null, address: req.socket.remoteAddress ?? '' };
        sendReply(req, res, await immediate.handler({ req, params: undefined, query: undefined, body: undefined, caller: anonymous }));
        return;
      }
      await this.#route(req, res);
    } catch (error) {
      if (error instanceof MaskwatchError) {
        req.resume();
        if (!res.headersSent) sendError(res, error.toBody());
        return;
      }
      log.error({ err: error, method: req.method, path: (req.url ?? '').split('?')[0] }, 'request failed');
      if (!res.headersSent) sendError(res, { code: 'internal', message: 'internal error' });
      else res.destroy();
    }
  }

  async #route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const method = req.method ?? 'GET';
    const match = this.table.match(method, pathSegments(url.pathname));
    if (match.kind === 'none') throw new MaskwatchError('not_found', `no API route ${method} ${url.pathname.slice(0, 200)}`);
    if (match.kind === 'wrong_method') {
      req.resume();
      const allow = [...new Set(match.allow)].join(', ');
      return sendError(
        res,
        { code: 'method_not_allowed', message: `${method.slice(0, 16)} is not allowed on ${url.pathname.slice(0, 200)}` },
        { allow },
      );
    }
    const { route, rawParams } = match;
    // Cross-site first (nothing about the caller is looked at for another site's request), then who may call it,
    // and only then is anything the caller sent parsed.
    const crossSite = this.#originProblem(req);
    if (crossSite) throw new MaskwatchError('forbidden', crossSite);
    const caller = this.#identify(req);
    if (route.access !== 'public') {
      if (!caller.user) throw new MaskwatchError('unauthorized', 'sign in first');
      if (!roleAllows(caller.user.role, route.access))
        throw new MaskwatchError('forbidden', `only ${route.access}s may ${method} ${url.pathname.slice(0, 200)}`);
    }
    const params = route.params ? parseOrThrow(route.params, rawParams, 'path') : undefined;
    const query = route.query ? parseOrThrow(route.query, parseQuery(url.searchParams), 'query') : undefined;
    let body: unknown;
    if (route.body) body = parseOrThrow(route.body, await readJsonBody(req), 'body');
    else req.resume();
    const reply = await route.handler({ req, params, query, body, caller });
    sendReply(req, res, reply);
  }
}

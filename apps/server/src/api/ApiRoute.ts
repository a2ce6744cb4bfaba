import type { IncomingMessage, ServerResponse } from 'node:http';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/**
 * One REST route: a method, a path whose `:name` segments are parameters (raw, still URI-encoded: the handler
 * parses them with its schema), and a handler. Handlers throw MaskwatchError for 4xx; ApiServer turns it into a body.
 */
export type ApiRoute = {
  method: HttpMethod;
  path: string;
  handle(req: IncomingMessage, res: ServerResponse, params: Record<string, string>, url: URL): Promise<void> | void;
};

export type RouteMatch =
  | { route: ApiRoute; params: Record<string, string> }
  /** The path exists, the method does not. */
  | { allow: string[] };

function matchPath(pattern: string, pathname: string): Record<string, string> | undefined {
  const want = pattern.split('/').filter(Boolean);
  const got = pathname.split('/').filter(Boolean);
  if (want.length !== got.length) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < want.length; i++) {
    const w = want[i] ?? '';
    const g = got[i] ?? '';
    if (w.startsWith(':')) params[w.slice(1)] = g;
    else if (w !== g) return undefined;
  }
  return params;
}

/** The route for `method pathname`; literal paths win over parameters (`/api/alerts/ack` before `/api/alerts/:id`). */
export function matchRoute(routes: readonly ApiRoute[], method: string, pathname: string): RouteMatch | undefined {
  const candidates = routes
    .map((route) => ({ route, params: matchPath(route.path, pathname) }))
    .filter((c): c is { route: ApiRoute; params: Record<string, string> } => c.params !== undefined)
    .sort((a, b) => Object.keys(a.params).length - Object.keys(b.params).length);
  if (candidates.length === 0) return undefined;
  const fewest = Object.keys(candidates[0]!.params).length;
  const best = candidates.filter((c) => Object.keys(c.params).length === fewest);
  const hit = best.find((c) => c.route.method === method || (method === 'HEAD' && c.route.method === 'GET'));
  return hit ?? { allow: [...new Set(best.map((c) => c.route.method))] };
}

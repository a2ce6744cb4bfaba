import { MaskwatchError } from '@maskwatch/protocol/errors';
import type { HttpMethod, Route } from './Route.ts';

type CompiledRoute = { route: Route; segments: ({ literal: string } | { param: string })[] };

export type RouteMatch =
  | { kind: 'found'; route: Route; rawParams: Record<string, string> }
  | { kind: 'wrong_method'; allow: HttpMethod[] }
  | { kind: 'none' };

/** Splits a path into percent-decoded segments; a malformed escape (`%`, `%zz`, overlong UTF-8) is a bad_request. */
export function pathSegments(pathname: string): string[] {
  return pathname
    .split('/')
    .filter(Boolean)
    .map((segment) => {
      try {
        return decodeURIComponent(segment);
      } catch {
        throw new MaskwatchError('bad_request', 'the path has a malformed percent-escape');
      }
    });
}

/** The routes of the API, matched by method and path. Built once; a duplicate or ill-formed route stops start-up. */
export class RouteTable {
  readonly routes: readonly Route[];
  readonly #compiled: CompiledRoute[];
  readonly #immediate = new Map<string, Route>();

  constructor(routes: readonly Route[]) {
    this.routes = routes;
    const seen = new Set<string>();
    this.#compiled = routes.map((route) => {
      const segments = route.path
        .split('/')
        .filter(Boolean)
        .map((part) => (part.startsWith(':') ? { param: part.slice(1) } : { literal: part }));
      const shape = `${route.method} /${segments.map((s) => ('param' in s ? ':' : s.literal)).join('/')}`;
      if (seen.has(shape)) throw new Error(`two API routes for ${route.method} ${route.path}`);
      seen.add(shape);
      const hasParams = segments.some((s) => 'param' in s);
      if (hasParams !== (route.params !== undefined))
        throw new Error(`${route.method} ${route.path}: path parameters and the params schema must go together`);
      if (!route.path.startsWith('/api/')) throw new Error(`${route.path}: API routes live under /api/`);
      if (route.immediate && (route.method !== 'GET' || route.access !== 'public' || route.query || route.body || hasParams))
        throw new Error(`${route.method} ${route.path}: only public GETs without input may be answered immediately`);
      if (route.immediate) this.#immediate.set(route.path, route);
      return { route, segments };
    });
  }

  /** The route answered before anything else for this exact path (GET or HEAD), if any. */
  immediate(method: string, pathname: string): Route | undefined {
    return method === 'GET' || method === 'HEAD' ? this.#immediate.get(pathname) : undefined;
  }

  /**
   * The route for `method` and the already decoded path `segments`; HEAD is answered by the GET route. When several
   * patterns fit (`/api/x/settings` and `/api/x/:id`), the one with a literal segment further left wins.
   */
  match(method: string, segments: readonly string[]): RouteMatch {
    const wanted = method === 'HEAD' ? 'GET' : method;
    let best: { rank: string; routes: { route: Route; rawParams: Record<string, string> }[] } | undefined;
    for (const { route, segments: pattern } of this.#compiled) {
      if (pattern.length !== segments.length) continue;
      const rawParams: Record<string, string> = {};
      const fits = pattern.every((part, i) => {
        const actual = segments[i] ?? '';
        if ('literal' in part) return part.literal === actual;
        rawParams[part.param] = actual;
        return true;
      });
      if (!fits) continue;
      const rank = pattern.map((part) => ('literal' in part ? '1' : '0')).join('');
      if (!best || rank > best.rank) best = { rank, routes: [] };
      if (rank === best.rank) best.routes.push({ route, rawParams });
    }
    if (!best) return { kind: 'none' };
    const found = best.routes.find(({ route }) => route.method === wanted);
    if (found) return { kind: 'found', ...found };
    return { kind: 'wrong_method', allow: best.routes.map(({ route }) => route.method) };
  }
}

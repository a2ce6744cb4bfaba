/**
 * A read-only JSON route: its path pattern (`/api/training-runs/:id`) and a handler that returns the body (or
 * throws a MaskwatchError). Features keep their routes in their own folders and hand them to the ApiServer.
 */
export type JsonRoute = {
  method: 'GET';
  /** Segments starting with `:` are parameters (URI-decoded). */
  path: string;
  handle(input: { params: Record<string, string>; query: URLSearchParams }): unknown;
};

/** The route's parameters when `pathname` matches it, else null. */
export function matchRoute(route: JsonRoute, pathname: string): Record<string, string> | null {
  const want = route.path.split('/').filter(Boolean);
  const got = pathname.split('/').filter(Boolean);
  if (want.length !== got.length) return null;
  const params: Record<string, string> = {};
  for (let i = 0; i < want.length; i++) {
    const segment = want[i] ?? '';
    const value = got[i] ?? '';
    if (segment.startsWith(':')) {
      try {
        params[segment.slice(1)] = decodeURIComponent(value);
      } catch {
        return null;
      }
    } else if (segment !== value) return null;
  }
  return params;
}

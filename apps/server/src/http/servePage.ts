import type { IncomingMessage, ServerResponse } from 'node:http';
import { roleAllows, type Access } from '@maskwatch/protocol/auth';
import { callerOf, type AccessControl } from '../auth/AccessControl.ts';

type PageHandler = (req: IncomingMessage, res: ServerResponse) => Promise<void> | void;

/** Pages that need a signed-in user; the rest (camera page, login, assets) are public, their data is not. */
function pageAccess(pathname: string): Access {
  if (pathname === '/admin' || pathname.startsWith('/admin/')) return 'admin';
  if (pathname === '/' || pathname === '/console' || pathname.startsWith('/console/')) return 'operator';
  return 'public';
}

/**
 * Hands a page request to Next.js with the security headers and a fresh CSP nonce (Next.js reads it from the
 * request's CSP header and stamps its scripts with it). A signed-out visitor of a private page goes to /login first,
 * and an operator asking for an admin page goes to the console. The API behind the pages checks again anyway.
 */
export function servePage(access: AccessControl, pages: PageHandler, req: IncomingMessage, res: ServerResponse): Promise<void> | void {
  const url = new URL(req.url ?? '/', 'http://localhost');
  const needs = pageAccess(url.pathname);
  if (needs !== 'public') {
    const { user } = callerOf(access, req);
    if (!user || !roleAllows(user.role, needs)) {
      const target = user ? '/console' : `/login?next=${encodeURIComponent(url.pathname + url.search)}`;
      res.writeHead(303, { location: target, 'cache-control': 'no-store' }).end();
      return;
    }
  }
  // Only the camera page runs the on-device face detector, which needs eval (see RequestGuard.pageHeaders).
  const { policy, headers } = access.guard.pageHeaders({ allowEval: url.pathname === '/camera' });
  req.headers['content-security-policy'] = policy;
  for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
  return pages(req, res);
}

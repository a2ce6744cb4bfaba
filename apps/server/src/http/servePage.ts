import type { IncomingMessage, ServerResponse } from 'node:http';
import { roleAllows, type Access } from '@maskwatch/protocol/auth';
import { callerOf, type AccessControl } from '../auth/AccessControl.ts';

type PageHandler = (req: IncomingMessage, res: ServerResponse) => Promise<void> | void;

/**
 * Pages that need a signed-in user; the rest (camera page, login, help, assets) are public, their data is not. The
 * admin pages need only a user here: an operator who opens one is told by the page that it is for admins (a
 * redirect would leave them guessing); their data comes from admin-only API routes.
 */
function pageAccess(pathname: string): Access {
  if (pathname === '/admin' || pathname.startsWith('/admin/')) return 'operator';
  if (pathname === '/' || pathname === '/console' || pathname.startsWith('/console/')) return 'operator';
  return 'public';
}

/**
 * Hands a page request to Next.js with the security headers and a fresh CSP nonce (Next.js reads it from the
 * request's CSP header and stamps its scripts with it). A signed-out visitor of a private page goes to /login first.
 * The API behind the pages checks every request again anyway.
 */
export function servePage(access: AccessControl, pages: PageHandler, req: IncomingMessage, res: ServerResponse): Promise<void> | void {
  const url = new URL(req.url ?? '/', 'http://localhost');
  const needs = pageAccess(url.pathname);
  if (needs !== 'public') {
    const { user } = callerOf(access, req);
    if (!user || !roleAllows(user.role, needs)) {
      res.writeHead(303, { location: `/login?next=${encodeURIComponent(url.pathname + url.search)}`, 'cache-control': 'no-store' }).end();
      return;
    }
  }
  // Only the camera page runs the on-device face detector, which needs eval (see RequestGuard.pageHeaders).
  const { policy, headers } = access.guard.pageHeaders({ allowEval: url.pathname === '/camera' });
  req.headers['content-security-policy'] = policy;
  for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
  return pages(req, res);
}

/**
 * Signing in for tests, as a user would: through POST /api/session (API tests, sockets) or the login page (browser
 * tests). Test servers start with TEST_ADMIN; TEST_OPERATOR is created through the API the first time it is asked for.
 *
 *   const admin = await apiAs(server, 'admin');            // fetch with the admin's session cookie
 *   await admin('/api/cameras', { method: 'POST', json: { kind: 'rtsp', name, rtspUrl } });
 *   const viewer = await connectViewer(server, 'operator'); // a signed-in viewer socket
 *   const { publishUrl, token, camera } = await createBrowserCamera(server, 'Door');
 *   const camera = await connectCamera(server, token);       // a camera socket with that publish token
 *   await loginAs(page, server, 'operator');                 // Chromium: fills in the login page
 *   const { cameraId } = await publishCamera(page, server, 'Door'); // Chromium: a camera page on its publish link
 */
import type { Page } from 'playwright-core';
import { startCamera } from './browser.ts';
import type { CameraResponse } from '@maskwatch/protocol/http';
import { connect, request, type ClientSocket } from './client.ts';
import { CREDENTIALS, TEST_ADMIN, TEST_OPERATOR, type TestRole } from './credentials.ts';

export { TEST_ADMIN, TEST_OPERATOR, type TestRole };

type HasUrl = { url: string };

/** Signs in through the API; returns the `Cookie` header value of the new session. Throws unless it worked. */
export async function login(url: string, username: string, password: string): Promise<string> {
  const res = await fetch(`${url}/api/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });
  if (res.status !== 200) throw new Error(`sign-in as ${username} failed: ${res.status} ${await res.text()}`);
  const setCookie = res.headers.get('set-cookie') ?? '';
  const cookie = setCookie.split(';')[0];
  if (!cookie) throw new Error('sign-in answered without a session cookie');
  return cookie;
}

const operatorsMade = new WeakSet<object>();
const cookies = new WeakMap<object, Map<TestRole, string>>();

/** A session cookie for `role`, made once per server (the operator account too). Use `login` for a fresh one. */
export async function cookieFor(server: HasUrl, role: TestRole): Promise<string> {
  let byRole = cookies.get(server);
  if (!byRole) cookies.set(server, (byRole = new Map()));
  const known = byRole.get(role);
  if (known) return known;
  if (role === 'operator') await ensureOperator(server);
  const cookie = await login(server.url, CREDENTIALS[role].username, CREDENTIALS[role].password);
  byRole.set(role, cookie);
  return cookie;
}

/** Creates TEST_OPERATOR (once; an existing one is fine). */
export async function ensureOperator(server: HasUrl): Promise<void> {
  if (operatorsMade.has(server)) return;
  const admin = await apiAs(server, 'admin');
  const res = await admin('/api/users', { method: 'POST', json: { ...TEST_OPERATOR, role: 'operator' } });
  if (res.status !== 201 && res.status !== 409) throw new Error(`cannot create the operator: ${res.status} ${await res.text()}`);
  operatorsMade.add(server);
}

export type ApiInit = Omit<RequestInit, 'body'> & { json?: unknown; body?: RequestInit['body'] };
export type Api = (path: string, init?: ApiInit) => Promise<Response>;

/** `fetch` against the server with a cookie (a role's, or one given); `json` sends a JSON body. */
export function apiWith(url: string, cookie: string | undefined): Api {
  return (path, init = {}) => {
    const { json, headers, ...rest } = init;
    return fetch(`${url}${path}`, {
      ...rest,
      headers: {
        ...(cookie ? { cookie } : {}),
        ...(json !== undefined ? { 'content-type': 'application/json' } : {}),
        ...(headers as Record<string, string> | undefined),
      },
      ...(json !== undefined ? { body: JSON.stringify(json) } : {}),
    });
  };
}

export async function apiAs(server: HasUrl, role: TestRole): Promise<Api> {
  return apiWith(server.url, await cookieFor(server, role));
}

/** A viewer socket of a signed-in `role` (connected, not yet joined). */
export async function connectViewer(server: HasUrl, role: TestRole = 'operator', cookie?: string): Promise<ClientSocket> {
  return connect(server.url, 'viewer', {}, { extraHeaders: { cookie: cookie ?? (await cookieFor(server, role)) } });
}

/** Creates a browser camera through the admin API; its answer carries the publish link (token in the fragment). */
export async function createBrowserCamera(
  server: HasUrl,
  name: string,
): Promise<{ camera: CameraResponse['camera']; publishUrl: string; token: string }> {
  const admin = await apiAs(server, 'admin');
  const res = await admin('/api/cameras', { method: 'POST', json: { kind: 'browser', name } });
  if (res.status !== 201) throw new Error(`cannot create camera ${name}: ${res.status} ${await res.text()}`);
  const body = (await res.json()) as CameraResponse;
  if (!body.publishUrl) throw new Error('a new browser camera came without a publishUrl');
  return { camera: body.camera, publishUrl: body.publishUrl, token: tokenOf(body.publishUrl) };
}

/** The publish token in a publish URL (`.../camera#token=...`). */
export function tokenOf(publishUrl: string): string {
  const token = new URLSearchParams(new URL(publishUrl).hash.slice(1)).get('token');
  if (!token) throw new Error(`no token in ${publishUrl}`);
  return token;
}

/** A camera socket with a publish token (connected, not yet joined). */
export function connectCamera(server: HasUrl, token: string): Promise<ClientSocket> {
  return connect(server.url, 'camera', { token });
}

/** A new browser camera and a camera socket joined to it with its token: `{ socket, cameraId, token, publishUrl }`. */
export async function joinedCamera(server: HasUrl, name: string) {
  const { camera, token, publishUrl } = await createBrowserCamera(server, name);
  const socket = await connectCamera(server, token);
  const joined = await request(socket, 'camera:join', {});
  if (!joined.ok) throw new Error(`camera:join failed: ${joined.error.code}: ${joined.error.message}`);
  return { socket, cameraId: camera.id, token, publishUrl, routerRtpCapabilities: joined.data.routerRtpCapabilities };
}

/**
 * Signs in on the login page as a user would (the operator account is made first if needed), and waits to land on
 * `next` (the console by default). The page's browser context keeps the cookie for its other pages.
 */
export async function loginAs(page: Page, server: HasUrl, role: TestRole, next = '/console'): Promise<void> {
  if (role === 'operator') await ensureOperator(server);
  const { username, password } = CREDENTIALS[role];
  await page.goto(`${server.url}/login?next=${encodeURIComponent(next)}`);
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL((url) => url.pathname === next, { timeout: 30_000 });
}

/**
 * A new browser camera (made by the admin through the API) published by `page` from its publish link, as a phone
 * given the link would; waits until the page is live.
 */
export async function publishCamera(page: Page, server: HasUrl, name: string, timeoutMs = 60_000) {
  const { camera, publishUrl, token } = await createBrowserCamera(server, name);
  const cameraId = await startCamera(page, publishUrl, timeoutMs);
  if (cameraId !== camera.id) throw new Error(`the page publishes ${cameraId}, not ${camera.id}`);
  return { cameraId, publishUrl, token };
}

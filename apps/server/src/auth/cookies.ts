/** The session cookie's name: `__Host-` over HTTPS (the browser then insists on Secure, Path=/ and no Domain). */
export function sessionCookieName(secure: boolean): string {
  return secure ? '__Host-maskwatch_session' : 'maskwatch_session';
}

/** The value of cookie `name` in a Cookie header (the first one; malformed pairs are skipped). */
export function readCookie(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    if (part.slice(0, eq).trim() !== name) continue;
    return part.slice(eq + 1).trim();
  }
  return undefined;
}

/** Set-Cookie for a session: HttpOnly, SameSite=Strict, Path=/, Secure over HTTPS; `maxAgeSeconds` 0 deletes it. */
export function sessionCookie(secure: boolean, value: string, maxAgeSeconds: number): string {
  return [
    `${sessionCookieName(secure)}=${value}`,
    'Path=/',
    'HttpOnly',
    'SameSite=Strict',
    `Max-Age=${Math.max(0, Math.floor(maxAgeSeconds))}`,
    ...(secure ? ['Secure'] : []),
  ].join('; ');
}

'use client';
/** Who is signed in, and the redirects around it: the login page link, signing in and out, a hook for pages. */
import { useEffect, useState } from 'react';
import { SessionResponseSchema, type Access, type SessionResponse } from '@maskwatch/protocol/auth';
import { roleAllows, safeRedirectPath } from '@maskwatch/protocol/auth';
import { ApiError, call, expectSession } from './api';

/** Where to go after sign-in: `next` when it is a path on this site (see safeRedirectPath), else the console. */
export function safeNext(next: string | null): string {
  return safeRedirectPath(next) ?? '/console';
}

export function loginUrl(): string {
  const here = `${window.location.pathname}${window.location.search}`;
  return `/login?next=${encodeURIComponent(here)}`;
}

export function redirectToLogin(): void {
  if (window.location.pathname !== '/login') window.location.assign(loginUrl());
}

export async function getSession(): Promise<SessionResponse | null> {
  try {
    return await call(SessionResponseSchema, '/api/session');
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) return null;
    throw error;
  }
}

export async function signIn(username: string, password: string): Promise<SessionResponse | null> {
  return call(SessionResponseSchema, '/api/session', { method: 'POST', body: JSON.stringify({ username, password }) });
}

export async function signOut(): Promise<void> {
  await call(null, '/api/session', { method: 'DELETE' }).catch(() => undefined);
  window.location.assign('/login');
}

export type SessionState = {
  /** The signed-in user, once known. */
  session: SessionResponse | null;
  /** Signed in, but without the role the page needs: the page says so ("Admins only") rather than redirecting. */
  denied: boolean;
};

/**
 * The signed-in user of a page that needs one: a visitor without a session goes to the login page; one without the
 * role gets `denied`. From then on, any 401 from the API (the session ended) sends this page to the login page too.
 */
export function useSessionState(required: Exclude<Access, 'public'>): SessionState {
  const [state, setState] = useState<SessionState>({ session: null, denied: false });
  useEffect(() => {
    expectSession();
    let gone = false;
    getSession()
      .then((current) => {
        if (gone) return;
        if (!current) redirectToLogin();
        else setState({ session: current, denied: !roleAllows(current.user.role, required) });
      })
      .catch(() => undefined);
    return () => {
      gone = true;
    };
  }, [required]);
  return state;
}

/** The signed-in user when it has the `required` role, else null (see `useSessionState` for the reason). */
export function useSession(required: Exclude<Access, 'public'>): SessionResponse | null {
  const { session, denied } = useSessionState(required);
  return denied ? null : session;
}

'use client';
/**
 * Wraps the admin pages: an admin gets the page; an operator who opened one (an old bookmark, a shared link) is told
 * it is for admins, rather than sent elsewhere without a word. The API refuses them anyway.
 */
import type { ReactNode } from 'react';
import { useSessionState } from '../lib/session';
import { NavBar } from './NavBar';
import styles from './Admin.module.css';

export function AdminGate({ children }: { children: ReactNode }) {
  const { session, denied } = useSessionState('admin');
  if (!session) return null;
  if (!denied) return children;
  return (
    <div className={styles.shell}>
      <NavBar current={null} session={session} />
      <main className={styles.main}>
        <section className={styles.card} data-admins-only>
          <h1 className={styles.heading}>Admins only</h1>
          <p>
            This page manages cameras, users and settings, and only admins may use it. You are signed in as{' '}
            <strong>{session.user.username}</strong> ({session.user.role}).
          </p>
          <p>
            Go back to the <a href="/console">console</a> or the <a href="/alerts">alerts</a>; ask an admin if you need something changed.
          </p>
        </section>
      </main>
    </div>
  );
}

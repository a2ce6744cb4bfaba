'use client';
import Link from 'next/link';
import type { SessionResponse } from '@maskwatch/protocol/auth';
import { signOut } from '../lib/session';
import styles from './NavBar.module.css';

/**
 * The pages, and who can use them. The camera page publishes this device's camera: an admin may, an operator may
 * not (a phone opens it from its publish link), so operators are not offered it.
 */
const LINKS = [
  { href: '/console', label: 'Console', admin: false },
  { href: '/alerts', label: 'Alerts', admin: false },
  { href: '/camera', label: 'Camera', admin: true },
  { href: '/metrics', label: 'Metrics', admin: false },
  { href: '/models', label: 'Models', admin: false },
  { href: '/admin', label: 'Cameras', admin: true },
  { href: '/admin/users', label: 'Users', admin: true },
  { href: '/admin/audit', label: 'Audit log', admin: true },
  { href: '/admin/settings', label: 'Settings', admin: true },
  { href: '/help', label: 'Help', admin: false },
] as const;

export type NavHref = (typeof LINKS)[number]['href'];

/** The top bar: the pages this user may open, who is signed in, and signing out. */
export function NavBar({ current, session, children }: { current: NavHref | null; session: SessionResponse | null; children?: React.ReactNode }) {
  const isAdmin = session?.user.role === 'admin';
  return (
    <header className={styles.bar}>
      <Link href="/console" className={styles.brand}>
        <span className={styles.dot} aria-hidden />
        Maskwatch
      </Link>
      <nav className={styles.links}>
        {LINKS.filter((link) => !link.admin || isAdmin).map((link) => (
          <Link key={link.href} href={link.href} className={link.href === current ? styles.active : undefined} aria-current={link.href === current ? 'page' : undefined}>
            {link.label}
          </Link>
        ))}
      </nav>
      <div className={styles.extra}>
        {children}
        {session && (
          <span className={styles.user} data-user={session.user.username} data-role={session.user.role}>
            {session.user.username} ({session.user.role})
            <button type="button" onClick={() => void signOut()}>
              Sign out
            </button>
          </span>
        )}
      </div>
    </header>
  );
}

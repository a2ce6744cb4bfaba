import Link from 'next/link';
import styles from './NavBar.module.css';

const LINKS = [
  { href: '/console', label: 'Console' },
  { href: '/alerts', label: 'Alerts' },
  { href: '/camera', label: 'Camera' },
  { href: '/admin', label: 'Cameras' },
  { href: '/metrics', label: 'Metrics' },
  { href: '/models', label: 'Models' },
] as const;

export function NavBar({ current, children }: { current: (typeof LINKS)[number]['href']; children?: React.ReactNode }) {
  return (
    <header className={styles.bar}>
      <Link href="/console" className={styles.brand}>
        <span className={styles.dot} aria-hidden />
        Maskwatch
      </Link>
      <nav className={styles.links}>
        {LINKS.map((link) => (
          <Link key={link.href} href={link.href} className={link.href === current ? styles.active : undefined} aria-current={link.href === current ? 'page' : undefined}>
            {link.label}
          </Link>
        ))}
      </nav>
      <div className={styles.extra}>{children}</div>
    </header>
  );
}

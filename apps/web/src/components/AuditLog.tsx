'use client';
/** /admin/audit: who did what and when (sign-ins, user, camera and settings changes, alert acknowledgements). */
import { useCallback, useEffect, useState } from 'react';
import type { AuditEntry } from '@maskwatch/protocol/auth';
import { auditPage } from '../lib/adminApi';
import { useSession } from '../lib/session';
import { describeError } from '../lib/signalling';
import { NavBar } from './NavBar';
import styles from './Admin.module.css';
import { formatDateTime } from '../lib/time';

export function AuditLog() {
  const session = useSession('admin');
  const [entries, setEntries] = useState<AuditEntry[]>([]);
  const [next, setNext] = useState<number | null>(null);
  const [error, setError] = useState<string | null>(null);
  const load = useCallback((before?: number) => {
    auditPage(before)
      .then((page) => {
        if (!page) return;
        setEntries((previous) => (before ? [...previous, ...page.entries] : page.entries));
        setNext(page.nextBefore);
        setError(null);
      })
      .catch((caught: unknown) => setError(describeError(caught)));
  }, []);
  useEffect(() => {
    if (session) load();
  }, [session, load]);

  return (
    <div className={styles.shell}>
      <NavBar current="/admin/audit" session={session}>
        <button type="button" onClick={() => load()}>
          Refresh
        </button>
      </NavBar>
      <main className={styles.main}>
        <section className={styles.card}>
          <h2 className={styles.heading}>Audit log</h2>
          {error && <p className={styles.formError}>{error}</p>}
          <table className={styles.table}>
            <thead>
              <tr>
                <th>When</th>
                <th>Who</th>
                <th>What</th>
                <th>Target</th>
                <th>Detail</th>
              </tr>
            </thead>
            <tbody>
              {entries.map((entry) => (
                <tr key={entry.id} data-action={entry.action} data-actor={entry.actor}>
                  <td>{formatDateTime(Date.parse(entry.at))}</td>
                  <td className={styles.name}>
                    {entry.actor}
                    {entry.address && <div className={styles.statusDetail}>{entry.address}</div>}
                  </td>
                  <td>{entry.action}</td>
                  <td className={styles.source}>{entry.target ?? '—'}</td>
                  <td className={styles.source}>{entry.detail ? JSON.stringify(entry.detail) : ''}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {next !== null && (
            <button type="button" onClick={() => load(next)}>
              Older entries
            </button>
          )}
        </section>
      </main>
    </div>
  );
}

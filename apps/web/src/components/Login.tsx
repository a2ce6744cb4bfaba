'use client';
/** /login: username and password; on success, on to `?next=` (a path on this site) or the console. */
import { useState } from 'react';
import { ApiError } from '../lib/api';
import { safeNext, signIn } from '../lib/session';
import styles from './Login.module.css';

export function Login() {
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (): Promise<void> => {
    setBusy(true);
    setError(null);
    try {
      await signIn(username, password);
      window.location.assign(safeNext(new URLSearchParams(window.location.search).get('next')));
    } catch (caught) {
      setPassword('');
      if (caught instanceof ApiError && caught.status === 401) setError('Wrong username or password.');
      else setError(caught instanceof Error ? caught.message : String(caught));
      setBusy(false);
    }
  };

  return (
    <main className={styles.page}>
      <form
        className={styles.card}
        onSubmit={(event) => {
          event.preventDefault();
          void submit();
        }}
      >
        <h1 className={styles.title}>
          <span className={styles.dot} aria-hidden /> Maskwatch
        </h1>
        <p className={styles.lead}>Sign in to watch cameras and manage them.</p>
        <label htmlFor="login-username">Username</label>
        <input id="login-username" name="username" autoComplete="username" autoCapitalize="none" spellCheck={false} value={username} onChange={(event) => setUsername(event.target.value)} required />
        <label htmlFor="login-password">Password</label>
        <input id="login-password" name="password" type="password" autoComplete="current-password" value={password} onChange={(event) => setPassword(event.target.value)} required />
        {error && (
          <p className={styles.error} role="alert" data-login-error>
            {error}
          </p>
        )}
        <button type="submit" className={styles.submit} disabled={busy || !username || !password}>
          Sign in
        </button>
        <p className={styles.hint}>A camera? Open the publish link an admin gave you instead.</p>
      </form>
    </main>
  );
}

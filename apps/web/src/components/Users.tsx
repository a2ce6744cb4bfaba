'use client';
/** /admin/users: accounts (add, change role, set a password, disable, remove) and open sessions (end one). */
import { useCallback, useEffect, useState } from 'react';
import { CreateUserSchema, PasswordSchema, type Role, type SessionInfo, type User } from '@maskwatch/protocol/auth';
import { createUser, listSessions, listUsers, removeUser, revokeSession, updateUser } from '../lib/adminApi';
import { ApiError } from '../lib/api';
import { toFieldErrors, type FieldErrors } from '../lib/fieldErrors';
import { useSession } from '../lib/session';
import { describeError } from '../lib/signalling';
import { NavBar } from './NavBar';
import styles from './Admin.module.css';
import { formatDateTime } from '../lib/time';

function errorFields(error: unknown): FieldErrors {
  if (error instanceof ApiError) {
    const fields = toFieldErrors(error.body.issues);
    return Object.keys(fields).length > 0 ? fields : { '(root)': error.body.message };
  }
  return { '(root)': describeError(error) };
}

export function Users() {
  const session = useSession('admin');
  const [users, setUsers] = useState<User[]>([]);
  const [sessions, setSessions] = useState<SessionInfo[]>([]);
  const [error, setError] = useState<string | null>(null);
  const refresh = useCallback(() => {
    Promise.all([listUsers(), listSessions()])
      .then(([u, s]) => {
        setUsers(u);
        setSessions(s);
        setError(null);
      })
      .catch((caught: unknown) => setError(describeError(caught)));
  }, []);
  useEffect(() => {
    if (session) refresh();
  }, [session, refresh]);

  return (
    <div className={styles.shell}>
      <NavBar current="/admin/users" session={session} />
      <main className={styles.main}>
        <section className={styles.card}>
          <h2 className={styles.heading}>Add a user</h2>
          <AddUserForm onCreated={refresh} />
        </section>
        <section className={styles.card}>
          <h2 className={styles.heading}>Users</h2>
          {error && <p className={styles.formError}>{error}</p>}
          <table className={styles.table}>
            <thead>
              <tr>
                <th>Username</th>
                <th>Role</th>
                <th>State</th>
                <th>New password</th>
                <th aria-label="Actions" />
              </tr>
            </thead>
            <tbody>
              {users.map((user) => (
                <UserRow key={user.id} user={user} self={user.id === session?.user.id} onChanged={refresh} />
              ))}
            </tbody>
          </table>
        </section>
        <section className={styles.card}>
          <h2 className={styles.heading}>Open sessions</h2>
          <table className={styles.table}>
            <thead>
              <tr>
                <th>User</th>
                <th>From</th>
                <th>Signed in</th>
                <th>Ends</th>
                <th aria-label="Actions" />
              </tr>
            </thead>
            <tbody>
              {sessions.map((s) => (
                <tr key={s.id} data-session-id={s.id}>
                  <td className={styles.name}>{s.username}</td>
                  <td className={styles.source}>
                    {s.address ?? '?'}
                    <div className={styles.statusDetail}>{s.userAgent ?? ''}</div>
                  </td>
                  <td>{formatDateTime(Date.parse(s.createdAt))}</td>
                  <td>{formatDateTime(Date.parse(s.expiresAt))}</td>
                  <td>
                    <div className={styles.rowActions}>
                      <button
                        type="button"
                        className={styles.danger}
                        onClick={() => {
                          if (!window.confirm(`End this session of ${s.username}? Their pages are signed out at once.`)) return;
                          revokeSession(s.id).then(refresh, (caught: unknown) => setError(describeError(caught)));
                        }}
                      >
                        End session
                      </button>
                    </div>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      </main>
    </div>
  );
}

function AddUserForm({ onCreated }: { onCreated: () => void }) {
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [role, setRole] = useState<Role>('operator');
  const [errors, setErrors] = useState<FieldErrors>({});
  const [busy, setBusy] = useState(false);
  return (
    <form
      className={styles.addForm}
      noValidate
      onSubmit={async (event) => {
        event.preventDefault();
        const parsed = CreateUserSchema.safeParse({ username, password, role });
        if (!parsed.success) {
          setErrors(toFieldErrors(parsed.error.issues));
          return;
        }
        setBusy(true);
        try {
          await createUser(parsed.data);
          setErrors({});
          setUsername('');
          setPassword('');
          onCreated();
        } catch (error) {
          setErrors(errorFields(error));
        }
        setBusy(false);
      }}
    >
      <div className={styles.field}>
        <label htmlFor="user-name">Username</label>
        <input id="user-name" autoComplete="off" autoCapitalize="none" value={username} onChange={(event) => setUsername(event.target.value)} />
        {errors.username && <span className={styles.fieldError} data-error-for="username">{errors.username}</span>}
      </div>
      <div className={styles.field}>
        <label htmlFor="user-password">Password</label>
        <input id="user-password" type="password" autoComplete="new-password" value={password} onChange={(event) => setPassword(event.target.value)} />
        {errors.password && <span className={styles.fieldError} data-error-for="password">{errors.password}</span>}
      </div>
      <div className={styles.field}>
        <label htmlFor="user-role">Role</label>
        <select id="user-role" value={role} onChange={(event) => setRole(event.target.value === 'admin' ? 'admin' : 'operator')}>
          <option value="operator">operator (watches, acknowledges alerts)</option>
          <option value="admin">admin (cameras, users, settings)</option>
        </select>
      </div>
      <button type="submit" className={styles.primary} disabled={busy}>
        Add user
      </button>
      {errors['(root)'] && <p className={styles.formError}>{errors['(root)']}</p>}
    </form>
  );
}

function UserRow({ user, self, onChanged }: { user: User; self: boolean; onChanged: () => void }) {
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const run = async (action: () => Promise<unknown>): Promise<void> => {
    setBusy(true);
    try {
      await action();
      setError(null);
      onChanged();
    } catch (caught) {
      const fields = errorFields(caught);
      setError(fields.password ?? fields['(root)'] ?? Object.values(fields)[0] ?? 'failed');
    }
    setBusy(false);
  };
  return (
    <tr data-user-id={user.id} data-username={user.username} data-role={user.role} data-disabled={user.disabled ? 'true' : 'false'}>
      <td className={styles.name}>
        {user.username}
        {self && <span className={styles.muted}> (you)</span>}
      </td>
      <td>
        <select
          aria-label={`Role of ${user.username}`}
          value={user.role}
          disabled={busy}
          onChange={(event) => void run(() => updateUser(user.id, { role: event.target.value === 'admin' ? 'admin' : 'operator' }))}
        >
          <option value="operator">operator</option>
          <option value="admin">admin</option>
        </select>
      </td>
      <td>
        <label className={styles.switch}>
          <input type="checkbox" checked={!user.disabled} disabled={busy} onChange={() => void run(() => updateUser(user.id, { disabled: !user.disabled }))} aria-label={`${user.username} may sign in`} />
          <span>{user.disabled ? 'disabled' : 'enabled'}</span>
        </label>
      </td>
      <td>
        <form
          className={styles.inlineForm}
          onSubmit={(event) => {
            event.preventDefault();
            const parsed = PasswordSchema.safeParse(password);
            if (!parsed.success) {
              setError(parsed.error.issues[0]?.message ?? 'invalid password');
              return;
            }
            void run(() => updateUser(user.id, { password: parsed.data })).then(() => setPassword(''));
          }}
        >
          <input type="password" aria-label={`New password for ${user.username}`} autoComplete="new-password" value={password} onChange={(event) => setPassword(event.target.value)} />
          <button type="submit" disabled={busy || password === ''}>
            Set password
          </button>
        </form>
      </td>
      <td>
        <div className={styles.rowActions}>
          <button
            type="button"
            className={styles.danger}
            disabled={busy}
            onClick={() => {
              if (window.confirm(`Remove ${user.username}? Their sessions end; the audit log keeps their name.`)) void run(() => removeUser(user.id));
            }}
          >
            Remove
          </button>
        </div>
        {error && <div className={styles.fieldError}>{error}</div>}
      </td>
    </tr>
  );
}

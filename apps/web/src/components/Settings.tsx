'use client';
/** /admin/settings: open enrolment (cameras without a publish link) and the networks RTSP cameras may be on. */
import { useEffect, useState } from 'react';
import { UpdateSettingsSchema, type SettingsResponse } from '@maskwatch/protocol/auth';
import { getSettings, updateSettings } from '../lib/adminApi';
import { ApiError } from '../lib/api';
import { useSession } from '../lib/session';
import { describeError } from '../lib/signalling';
import { NavBar } from './NavBar';
import styles from './Admin.module.css';

const lines = (text: string) =>
  text
    .split(/[\s,]+/)
    .map((line) => line.trim())
    .filter(Boolean);

export function Settings() {
  const session = useSession('admin');
  const [current, setCurrent] = useState<SettingsResponse | null>(null);
  const [allow, setAllow] = useState('');
  const [deny, setDeny] = useState('');
  const [message, setMessage] = useState<string | null>(null);
  const show = (answer: SettingsResponse | null) => {
    if (!answer) return;
    setCurrent(answer);
    setAllow(answer.settings.cameraNetworks.allow.join('\n'));
    setDeny(answer.settings.cameraNetworks.deny.join('\n'));
  };
  useEffect(() => {
    if (session) getSettings().then(show, (error: unknown) => setMessage(describeError(error)));
  }, [session]);
  const save = async (changes: unknown): Promise<void> => {
    const parsed = UpdateSettingsSchema.safeParse(changes);
    if (!parsed.success) {
      setMessage(parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; '));
      return;
    }
    try {
      show(await updateSettings(parsed.data));
      setMessage('Saved.');
    } catch (error) {
      setMessage(error instanceof ApiError ? error.body.message : describeError(error));
    }
  };

  return (
    <div className={styles.shell}>
      <NavBar current="/admin/settings" session={session} />
      <main className={styles.main}>
        <section className={styles.card}>
          <h2 className={styles.heading}>Open enrolment</h2>
          <label className={styles.switch}>
            <input
              type="checkbox"
              checked={current?.settings.openEnrolment ?? false}
              disabled={!current}
              onChange={(event) => void save({ openEnrolment: event.target.checked })}
              aria-label="Open enrolment"
              data-open-enrolment={current?.settings.openEnrolment ? 'on' : 'off'}
            />
            <span>Any device may publish under any camera name without a publish link (for a lab; off in production)</span>
          </label>
        </section>
        <section className={styles.card}>
          <h2 className={styles.heading}>Camera networks</h2>
          <p className={styles.muted}>
            RTSP sources must not be in a denied network unless an allowed one covers them (one network per line, e.g.
            192.168.1.0/24). Default denied: {current?.defaultCameraNetworks.deny.join(', ')}.
          </p>
          <div className={styles.addForm}>
            <div className={`${styles.field} ${styles.wide}`}>
              <label htmlFor="networks-allow">Allowed</label>
              <textarea id="networks-allow" rows={5} value={allow} onChange={(event) => setAllow(event.target.value)} />
            </div>
            <div className={`${styles.field} ${styles.wide}`}>
              <label htmlFor="networks-deny">Denied</label>
              <textarea id="networks-deny" rows={5} value={deny} onChange={(event) => setDeny(event.target.value)} />
            </div>
          </div>
          <div className={styles.rowActions} style={{ justifyContent: 'flex-start', marginTop: 12 }}>
            <button type="button" className={styles.primary} style={{ marginTop: 0 }} onClick={() => void save({ cameraNetworks: { allow: lines(allow), deny: lines(deny) } })}>
              Save networks
            </button>
            <button type="button" onClick={() => current && void save({ cameraNetworks: current.defaultCameraNetworks })}>
              Back to the default
            </button>
          </div>
        </section>
        {message && <p className={styles.muted} role="status">{message}</p>}
      </main>
    </div>
  );
}

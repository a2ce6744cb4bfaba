'use client';
/**
 * The console's alert feed: the latest alerts (thumbnail, camera, label, time) live over its own `alerts:subscribe`
 * connection, a chime for each new one, and a click that opens the camera enlarged. For cameras whose "console
 * speaks" switch is on (RTSP cameras have no page to speak), the console says the sentence itself.
 */
import { useEffect, useRef, useState } from 'react';
import { alertThumbnailUrl, type Alert, type AlertEvent } from '@maskwatch/protocol/alerts';
import { chime, sayAlert, unlockAudio } from '../../lib/announcer';
import { SpokenAlerts } from '../../lib/SpokenAlerts';
import { formatTime } from '../../lib/time';
import { useAlertEvents } from '../../hooks/useAlertEvents';
import { BellIcon } from '../Icons';
import styles from './Alerts.module.css';

const KEEP = 30;
const SOUND_KEY = 'maskwatch.console.sound';

export function labelText(label: Alert['label']): string {
  return label === 'no_mask' ? 'No mask' : 'Mask worn incorrectly';
}

export function alertStatus(alert: Alert): string {
  if (alert.resolvedAt !== null) return 'mask on';
  if (alert.endedAt !== null) return 'left';
  return 'open';
}

/** The console's alerts panel, beside the grid (the console shows or hides it). */
export function AlertFeed({ onOpenCamera }: { onOpenCamera: (cameraId: string) => void }) {
  const [alerts, setAlerts] = useState<Alert[]>([]);
  const [fresh, setFresh] = useState<Set<string>>(new Set());
  const [sound, setSound] = useState(false);
  const [said, setSaid] = useState(0);

  useEffect(() => setSound(window.localStorage.getItem(SOUND_KEY) === 'on'), []);

  useAlertEvents({
    recent: KEEP,
    onRecent: setAlerts,
    onEvent: (event: AlertEvent): void => {
      setAlerts((prev) =>
        [event.alert, ...prev.filter((a) => a.id !== event.alert.id)].sort((a, b) => b.raisedAt - a.raisedAt).slice(0, KEEP),
      );
      if (event.change === 'raised') {
        const id = event.alert.id;
        setFresh((prev) => new Set(prev).add(id));
        setTimeout(
          () =>
            setFresh((prev) => {
              const next = new Set(prev);
              next.delete(id);
              return next;
            }),
          3000,
        );
      }
      document.dispatchEvent(new CustomEvent('maskwatch:alert', { detail: event }));
    },
  });

  // Sound follows the switch; listened to apart from the socket so the switch does not reconnect it.
  const spoken = useRef(new SpokenAlerts());
  useEffect(() => {
    const onAlert = (e: Event): void => {
      const event = (e as CustomEvent<AlertEvent>).detail;
      if (!sound) return;
      if (event.change === 'raised') chime();
      if (event.announce?.console && spoken.current.take(event)) {
        const label = event.announce.label;
        // After the chime.
        setTimeout(() => void sayAlert(label).then(() => setSaid((n) => n + 1)), event.change === 'raised' ? 450 : 0);
      }
    };
    document.addEventListener('maskwatch:alert', onAlert);
    return () => document.removeEventListener('maskwatch:alert', onAlert);
  }, [sound]);

  const toggleSound = (): void => {
    const next = !sound;
    if (next) unlockAudio();
    window.localStorage.setItem(SOUND_KEY, next ? 'on' : 'off');
    setSound(next);
  };

  const open = alerts.filter((a) => a.resolvedAt === null && a.endedAt === null).length;
  return (
    <aside className={styles.feed} aria-label="Alerts" data-alert-feed={alerts.length} data-console-said={said}>
      <header className={styles.feedHeader}>
        <span className={styles.feedTitle}>Alerts</span>
        {open > 0 && (
          <span className={styles.count} title="people still without a mask">
            {open}
          </span>
        )}
        <button type="button" className={styles.small} onClick={toggleSound} aria-pressed={sound} title="Chime and console speech">
          <BellIcon off={!sound} /> {sound ? 'Sound on' : 'Sound off'}
        </button>
        <a className={styles.small} href="/alerts">
          History
        </a>
      </header>
      <ul className={styles.feedList}>
        {alerts.length === 0 && <li className={`${styles.meta} ${styles.feedItem}`} style={{ padding: '10px' }}>No alerts yet.</li>}
        {alerts.map((alert) => (
          <li key={alert.id} className={`${styles.feedItem} ${fresh.has(alert.id) ? styles.fresh : ''}`} data-alert-id={alert.id} data-label={alert.label}>
            <button type="button" className={styles.feedButton} onClick={() => onOpenCamera(alert.cameraId)} title={`Open ${alert.cameraName}`}>
              {alert.snapshot ? (
                <img className={styles.thumb} src={alertThumbnailUrl(alert.id)} alt={`Face of alert ${alert.id}`} />
              ) : (
                <span className={`${styles.thumb} ${styles.thumbEmpty}`}>no image</span>
              )}
              <span className={styles.feedText}>
                <span className={styles.feedCamera}>{alert.cameraName}</span>
                <span>
                  <span className={`${styles.label} ${styles[alert.label]}`}>{labelText(alert.label)}</span>
                </span>
                <span className={styles.meta}>
                  {formatTime(alert.raisedAt)} · {alertStatus(alert)}
                  {alert.acknowledged ? ' · acknowledged' : ''}
                </span>
              </span>
            </button>
          </li>
        ))}
      </ul>
    </aside>
  );
}

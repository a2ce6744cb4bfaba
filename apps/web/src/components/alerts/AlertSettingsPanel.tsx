'use client';
/** Per-camera alert settings: cooldown, reminders, and whether the console speaks for the camera. */
import { useEffect, useState } from 'react';
import type { AlertSettings, UpdateAlertSettings } from '@maskwatch/protocol/alerts';
import type { CameraView } from '@maskwatch/protocol/camera';
import { listAlertSettings, updateAlertSettings } from '../../lib/alertsApi';
import styles from './Alerts.module.css';

export function AlertSettingsPanel({ cameras }: { cameras: readonly CameraView[] }) {
  const [settings, setSettings] = useState<Map<string, AlertSettings>>(new Map());
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    listAlertSettings()
      .then((all) => setSettings(new Map(all.map((s) => [s.cameraId, s]))))
      .catch((e: unknown) => setError(e instanceof Error ? e.message : String(e)));
  }, [cameras.length]);

  const change = (cameraId: string, changes: UpdateAlertSettings): void => {
    updateAlertSettings(cameraId, changes)
      .then((next) => {
        setSettings((prev) => new Map(prev).set(cameraId, next));
        setError(null);
      })
      .catch((e: unknown) => setError(e instanceof Error ? e.message : String(e)));
  };
  const seconds = (value: string): number | null => {
    const n = Number(value);
    return Number.isInteger(n) && n >= 0 && n <= 3600 ? n : null;
  };

  return (
    <section className={styles.card} aria-label="Alert settings">
      <h2 className={styles.heading}>Alert settings per camera</h2>
      {error && <p className={styles.error}>{error}</p>}
      <table className={styles.table}>
        <thead>
          <tr>
            <th>Camera</th>
            <th title="One alert per person: someone alerted on is not alerted again for this long after their alert closed (mask on, or left)">
              Same person: no new alert for (s)
            </th>
            <th>Remind after (s, 0 = never)</th>
            <th>Reminders at most</th>
            <th>Console speaks</th>
          </tr>
        </thead>
        <tbody>
          {cameras.map((camera) => {
            const s = settings.get(camera.id);
            if (!s) return null;
            return (
              <tr key={camera.id} data-settings-camera={camera.id}>
                <td>
                  {camera.name} <span className={styles.muted}>{camera.kind}</span>
                </td>
                <td>
                  <input
                    className={styles.narrow}
                    type="number"
                    min={0}
                    max={3600}
                    defaultValue={s.cooldownSeconds}
                    aria-label={`Cooldown of ${camera.name}`}
                    onBlur={(e) => {
                      const v = seconds(e.target.value);
                      if (v !== null && v !== s.cooldownSeconds) change(camera.id, { cooldownSeconds: v });
                    }}
                  />
                </td>
                <td>
                  <input
                    className={styles.narrow}
                    type="number"
                    min={0}
                    max={3600}
                    defaultValue={s.reminderSeconds}
                    aria-label={`Reminder interval of ${camera.name}`}
                    onBlur={(e) => {
                      const v = seconds(e.target.value);
                      if (v !== null && v !== s.reminderSeconds) change(camera.id, { reminderSeconds: v });
                    }}
                  />
                </td>
                <td>
                  <input
                    className={styles.narrow}
                    type="number"
                    min={0}
                    max={20}
                    defaultValue={s.maxReminders}
                    aria-label={`Most reminders of ${camera.name}`}
                    onBlur={(e) => {
                      const v = Number(e.target.value);
                      if (Number.isInteger(v) && v >= 0 && v <= 20 && v !== s.maxReminders) change(camera.id, { maxReminders: v });
                    }}
                  />
                </td>
                <td>
                  <label className={styles.switch}>
                    <input
                      type="checkbox"
                      checked={s.consoleSpeaks}
                      onChange={(e) => change(camera.id, { consoleSpeaks: e.target.checked })}
                      aria-label={`Console speaks for ${camera.name}`}
                    />
                    {camera.kind === 'rtsp' ? 'recommended for RTSP' : ''}
                  </label>
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </section>
  );
}

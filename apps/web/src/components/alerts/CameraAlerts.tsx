'use client';
/**
 * The camera page's side of alerts: when the server raises (`alert:say`, before the alert is stored), reminds or
 * reopens an alert on this camera, the page says the sentence aloud (Web Speech API, else the bundled recording)
 * and shows it in a banner, which goes when the person puts the mask on or leaves. Once per alert and once per reminder (SpokenAlerts), whatever
 * arrives twice. Sound was unlocked by the Start tap (`unlockAudio`).
 */
import { useEffect, useState } from 'react';
import type { AlertEvent, AlertLabel, AlertSay, Announce } from '@maskwatch/protocol/alerts';
import { sayAlert, type Spoken } from '../../lib/announcer';
import { SpokenAlerts } from '../../lib/SpokenAlerts';
import type { Publisher } from '../../lib/publisher';
import styles from './Alerts.module.css';

/** A banner nothing more is heard about is taken down after this long. */
const BANNER_MS = 20_000;

type Banner = { alertId: string; label: AlertLabel; sentence: string; at: number };

export function CameraAlerts({ publisher }: { publisher: Publisher | null }) {
  const [banner, setBanner] = useState<Banner | null>(null);
  const [said, setSaid] = useState<{ count: number; via: Spoken | '' }>({ count: 0, via: '' });

  useEffect(() => {
    if (!publisher) return;
    const spoken = new SpokenAlerts();
    const say = (alertId: string, { label, sentence }: Announce): void => {
      setBanner({ alertId, label, sentence, at: Date.now() });
      void sayAlert(label).then((via) => setSaid((prev) => ({ count: prev.count + 1, via })));
    };
    const onEvent = (event: AlertEvent): void => {
      if (event.announce && spoken.take(event)) say(event.alert.id, event.announce);
      else if (event.change === 'resolved' || event.change === 'ended') {
        setBanner((current) => (current?.alertId === event.alert.id ? null : current));
      }
    };
    // A new alert is said on `alert:say`, which comes before it is stored; `alert:raised` then says nothing more.
    const onSay = (event: AlertSay): void => {
      if (spoken.takeSay(event)) say(event.alertId, event.announce);
    };
    const offSay = publisher.onPush('alert:say', onSay);
    const offRaised = publisher.onPush('alert:raised', onEvent);
    const offUpdated = publisher.onPush('alert:updated', onEvent);
    return () => {
      offSay();
      offRaised();
      offUpdated();
    };
  }, [publisher]);

  useEffect(() => {
    if (!banner) return;
    const timer = setTimeout(() => setBanner((current) => (current === banner ? null : current)), BANNER_MS);
    return () => clearTimeout(timer);
  }, [banner]);

  return (
    <>
      <span hidden data-alert-said={said.count} data-alert-said-via={said.via} />
      {banner && (
        <div className={`${styles.banner} ${styles[banner.label]}`} role="alert" data-alert-banner={banner.label}>
          {banner.sentence}
        </div>
      )}
    </>
  );
}

'use client';
/** One alert enlarged: its snapshot (the offender outlined, other faces blurred) and every recorded detail. */
import { useEffect } from 'react';
import { alertSnapshotUrl, type Alert } from '@maskwatch/protocol/alerts';
import { formatDateTime } from '../../lib/time';
import { alertStatus, labelText } from './AlertFeed';
import styles from './Alerts.module.css';

const when = (ms: number | null): string => (ms === null ? '—' : formatDateTime(ms));

export function SnapshotViewer({ alert, onClose, onAcknowledge }: { alert: Alert; onClose: () => void; onAcknowledge: (alert: Alert) => void }) {
  useEffect(() => {
    const onKey = (event: KeyboardEvent): void => {
      if (event.key === 'Escape') onClose();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [onClose]);

  return (
    <div className={styles.modal} onClick={onClose} role="dialog" aria-modal aria-label={`Alert ${alert.id}`}>
      <div className={styles.viewer} onClick={(event) => event.stopPropagation()} data-viewer-alert={alert.id}>
        <div className={styles.row}>
          <strong style={{ flex: 1 }}>
            {alert.cameraName} · <span className={`${styles.label} ${styles[alert.label]}`}>{labelText(alert.label)}</span>
          </strong>
          {!alert.acknowledged && (
            <button type="button" className={styles.primary} onClick={() => onAcknowledge(alert)}>
              Acknowledge
            </button>
          )}
          <button type="button" onClick={onClose}>
            Close
          </button>
        </div>
        {alert.snapshot ? (
          // The snapshot is served by alert id only.
          <img src={alertSnapshotUrl(alert.id)} alt={`Snapshot of alert ${alert.id}`} width={alert.snapshot.width} height={alert.snapshot.height} />
        ) : (
          <p className={styles.muted}>No snapshot was taken for this alert (the frame was no longer available).</p>
        )}
        <dl className={styles.details}>
          <dt>Raised</dt>
          <dd>{when(alert.raisedAt)}</dd>
          <dt>First seen</dt>
          <dd>{when(alert.firstSeenAt)}</dd>
          <dt>Status</dt>
          <dd>
            {alertStatus(alert)}
            {alert.resolvedAt !== null && ` at ${when(alert.resolvedAt)}`}
            {alert.endedAt !== null && ` at ${when(alert.endedAt)}`}
            {alert.reminders > 0 && ` · reminded ${alert.reminders}×`}
          </dd>
          <dt>Acknowledged</dt>
          <dd>{alert.acknowledged ? `${alert.acknowledged.by}, ${when(alert.acknowledged.at)}${alert.acknowledged.note ? `: ${alert.acknowledged.note}` : ''}` : 'no'}</dd>
          <dt>Confidence</dt>
          <dd>{(alert.confidence * 100).toFixed(0)}%</dd>
          <dt>Capture to alert</dt>
          <dd>{Math.round(alert.latencyMs)} ms</dd>
          <dt>Model</dt>
          <dd>
            {alert.model.name} <span className={styles.muted}>sha256 {alert.model.sha256.slice(0, 12)}…</span>
          </dd>
          <dt>Track</dt>
          <dd>
            #{alert.trackId}
            {alert.nodeId ? ` on ${alert.nodeId}` : ''}
          </dd>
        </dl>
      </div>
    </div>
  );
}

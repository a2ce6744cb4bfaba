import type { CameraStatus } from '@maskwatch/protocol/camera';
import styles from './StatusBadge.module.css';

/** A camera's status as a pill; `unknown` while the page has no current state (the console is cut off). */
export function StatusBadge({ status, detail }: { status: CameraStatus | 'reconnecting' | 'unknown'; detail?: string | null }) {
  return (
    <span className={`${styles.badge} ${styles[status]}`} title={detail ?? undefined} data-badge={status}>
      <span className={styles.dot} aria-hidden />
      {status}
    </span>
  );
}

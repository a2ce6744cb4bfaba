import type { CameraStatus } from '@maskwatch/protocol/camera';
import styles from './StatusBadge.module.css';

export function StatusBadge({ status, detail }: { status: CameraStatus | 'reconnecting'; detail?: string | null }) {
  return (
    <span className={`${styles.badge} ${styles[status]}`} title={detail ?? undefined} data-badge={status}>
      <span className={styles.dot} aria-hidden />
      {status}
    </span>
  );
}

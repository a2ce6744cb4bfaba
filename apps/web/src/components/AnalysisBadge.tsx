import type { AnalysisState } from '@maskwatch/protocol/camera';
import styles from './StatusBadge.module.css';

const TEXT: Record<AnalysisState['status'], string> = {
  off: 'analysis off',
  starting: 'analysis starting',
  running: 'analysing',
  stalled: 'analysis stalled',
};

/** Whether the camera's video is being analysed now; the reason (stalled, off, waiting) in the tooltip. */
export function AnalysisBadge({ analysis, delayMs }: { analysis: AnalysisState; delayMs?: number | null }) {
  const title = [analysis.detail, analysis.status === 'running' && delayMs ? `video held back ${delayMs} ms for the boxes` : null]
    .filter(Boolean)
    .join('; ');
  return (
    <span className={`${styles.badge} ${styles[`analysis_${analysis.status}`]}`} title={title || undefined} data-analysis-badge={analysis.status}>
      <span className={styles.dot} aria-hidden />
      {TEXT[analysis.status]}
    </span>
  );
}

'use client';
/** The metrics page's per-camera table: input and analysed fps, dropped frames, latency, time to the first result, analysis status. */
import type { CameraSample } from '@maskwatch/protocol/metrics';
import { formatMs, formatNumber } from '../lib/format';
import styles from './Dashboard.module.css';

export function CameraMetricsTable({ cameras }: { cameras: readonly CameraSample[] }) {
  if (cameras.length === 0) return <p className={styles.muted}>No cameras yet.</p>;
  const sorted = [...cameras].sort((a, b) => a.name.localeCompare(b.name) || a.cameraId.localeCompare(b.cameraId));
  return (
    <div className={styles.tableWrap}>
      <table className={styles.table}>
        <thead>
          <tr>
            <th>Camera</th>
            <th>Status</th>
            <th>Analysis</th>
            <th className={styles.num}>Input fps</th>
            <th className={styles.num}>Analysed fps</th>
            <th className={styles.num}>Results fps</th>
            <th className={styles.num}>Dropped</th>
            <th className={styles.num}>Latency p50</th>
            <th className={styles.num}>p95</th>
            <th className={styles.num}>Faces</th>
            <th className={styles.num} title="From the camera going live (or analysis switched on) to its first analysed frame">
              Live → first result
            </th>
          </tr>
        </thead>
        <tbody>
          {sorted.map((camera) => {
            const reasons = Object.entries(camera.droppedByReason)
              .map(([reason, n]) => `${reason}: ${n}`)
              .join(', ');
            return (
              <tr
                key={camera.cameraId}
                data-camera-id={camera.cameraId}
                data-status={camera.status}
                data-analysis={camera.analysis}
                data-analysed-fps={camera.analysedFps ?? ''}
              >
                <td>{camera.name}</td>
                <td>
                  <span className={`${styles.badge} ${styles[camera.status] ?? ''}`}>{camera.status}</span>
                </td>
                <td title={camera.nodeId ? `node ${camera.nodeId}` : undefined}>
                  <span className={`${styles.badge} ${styles[camera.analysis] ?? ''}`}>{camera.analysis}</span>
                </td>
                <td className={styles.num}>{formatNumber(camera.inputFps)}</td>
                <td className={styles.num}>{formatNumber(camera.analysedFps)}</td>
                <td className={styles.num}>{formatNumber(camera.resultsFps)}</td>
                <td className={styles.num} title={reasons || undefined}>
                  {camera.dropped ?? '—'}
                </td>
                <td className={styles.num}>{formatMs(camera.latencyP50Ms)}</td>
                <td className={styles.num}>{formatMs(camera.latencyP95Ms)}</td>
                <td className={styles.num}>{camera.faces ?? '—'}</td>
                <td className={styles.num} data-first-result-ms={camera.firstResultMs ?? ''}>
                  {formatMs(camera.firstResultMs)}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

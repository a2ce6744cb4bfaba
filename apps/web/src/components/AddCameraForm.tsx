'use client';
import { useState } from 'react';
import type { CameraKind } from '@maskwatch/protocol/camera';
import type { FieldErrors } from '../lib/fieldErrors';
import type { CreateInput } from './Admin';
import styles from './Admin.module.css';

export function AddCameraForm({ onCreate }: { onCreate: (input: CreateInput) => Promise<FieldErrors | null> }) {
  const [kind, setKind] = useState<CameraKind>('rtsp');
  const [name, setName] = useState('');
  const [rtspUrl, setRtspUrl] = useState('');
  const [analysisRtspUrl, setAnalysisRtspUrl] = useState('');
  const [enabled, setEnabled] = useState(true);
  const [errors, setErrors] = useState<FieldErrors>({});
  const [busy, setBusy] = useState(false);

  return (
    <form
      className={styles.addForm}
      noValidate
      onSubmit={async (event) => {
        event.preventDefault();
        setBusy(true);
        const result = await onCreate({ kind, name, rtspUrl, analysisRtspUrl, enabled });
        setBusy(false);
        setErrors(result ?? {});
        if (!result) {
          setName('');
          setRtspUrl('');
          setAnalysisRtspUrl('');
        }
      }}
    >
      <div className={styles.field}>
        <label htmlFor="add-kind">Kind</label>
        <select id="add-kind" name="kind" value={kind} onChange={(event) => setKind(event.target.value === 'browser' ? 'browser' : 'rtsp')}>
          <option value="rtsp">RTSP camera</option>
          <option value="browser">Browser camera</option>
        </select>
      </div>
      <div className={styles.field}>
        <label htmlFor="add-name">Name</label>
        <input id="add-name" name="name" placeholder="Lobby entrance" value={name} onChange={(event) => setName(event.target.value)} aria-invalid={errors.name ? true : undefined} />
        {errors.name && <span className={styles.fieldError} data-error-for="name">{errors.name}</span>}
      </div>
      {kind === 'rtsp' && (
        <div className={`${styles.field} ${styles.wide}`}>
          <label htmlFor="add-rtsp">RTSP URL</label>
          <input
            id="add-rtsp"
            name="rtspUrl"
            placeholder="rtsp://user:pass@192.168.1.20:554/stream1"
            value={rtspUrl}
            onChange={(event) => setRtspUrl(event.target.value)}
            aria-invalid={errors.rtspUrl ? true : undefined}
          />
          {errors.rtspUrl && <span className={styles.fieldError} data-error-for="rtspUrl">{errors.rtspUrl}</span>}
        </div>
      )}
      {kind === 'rtsp' && (
        <div className={`${styles.field} ${styles.wide}`}>
          <label htmlFor="add-analysis-rtsp">Analysis stream (optional)</label>
          <input
            id="add-analysis-rtsp"
            name="analysisRtspUrl"
            placeholder="rtsp://user:pass@192.168.1.20:554/stream2"
            value={analysisRtspUrl}
            onChange={(event) => setAnalysisRtspUrl(event.target.value)}
            aria-invalid={errors.analysisRtspUrl ? true : undefined}
            aria-describedby="add-analysis-rtsp-help"
          />
          <span id="add-analysis-rtsp-help" className={styles.muted}>
            Many IP cameras offer a second, smaller stream (a substream, e.g. 640x360 or 1280x720). Give its URL and the
            inference node analyses it instead of the main stream, which the console keeps showing: less decoding, so
            more cameras per node. Leave it empty for small faces far away: the main stream keeps every pixel.
          </span>
          {errors.analysisRtspUrl && (
            <span className={styles.fieldError} data-error-for="analysisRtspUrl">
              {errors.analysisRtspUrl}
            </span>
          )}
        </div>
      )}
      <label className={styles.switch}>
        <input type="checkbox" checked={enabled} onChange={(event) => setEnabled(event.target.checked)} />
        <span>Enabled</span>
      </label>
      <button type="submit" className={styles.primary} disabled={busy}>
        Add camera
      </button>
      {(errors['(root)'] ?? errors.kind) && <p className={styles.formError} data-error-for="form">{errors['(root)'] ?? errors.kind}</p>}
    </form>
  );
}

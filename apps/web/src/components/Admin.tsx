'use client';
/**
 * /admin: the camera list, through the REST API, kept current by socket.io `camera:state` pushes; browser cameras'
 * publish links (made, shown once with a QR code, replaced, revoked); analysis switched on or off per camera.
 */
import { useCallback, useEffect, useState } from 'react';
import {
  CreateCameraSchema,
  UpdateCameraSchema,
  type AnalysisInput,
  type CameraKind,
  type CameraView,
  type UpdateCamera,
} from '@maskwatch/protocol/camera';
import { useCameras } from '../hooks/useCameras';
import { listPublishLinks, newPublishLink, revokePublishLink } from '../lib/adminApi';
import { ApiError, createCamera, deleteCamera, updateCamera } from '../lib/api';
import { useSession } from '../lib/session';
import { toFieldErrors, type FieldErrors } from '../lib/fieldErrors';
import { describeError } from '../lib/signalling';
import { AddCameraForm } from './AddCameraForm';
import { NavBar } from './NavBar';
import { PublishLink, type ShownLink } from './PublishLink';
import { RetryCountdown } from './RetryCountdown';
import { StatusBadge } from './StatusBadge';
import styles from './Admin.module.css';
import { formatDateTime } from '../lib/time';

export type CreateInput = { kind: CameraKind; name: string; rtspUrl: string; analysisRtspUrl: string; enabled: boolean };

/** What the node analyses of a camera: which stream, at what size and rate, which temporal layer. */
function AnalysedInput({ input }: { input: AnalysisInput }) {
  const size = input.width && input.height ? `${input.width}×${input.height}` : 'size pending';
  const rate = input.fps !== null ? `${input.fps} fps` : 'rate pending';
  const layer = input.temporalLayer ? `, layer ${input.temporalLayer.layer + 1} of ${input.temporalLayer.of}` : '';
  return (
    <div
      className={styles.statusDetail}
      data-analysed-stream={input.stream}
      data-analysed-size={input.width && input.height ? `${input.width}x${input.height}` : ''}
      title="What the inference node decodes and analyses of this camera"
    >
      {input.stream === 'analysis' ? 'analysis stream' : 'main stream'}, {size}, {rate}
      {layer}
    </div>
  );
}

/** Needs a `SignallingProvider` above it (the page provides one): the list follows the server's pushes. */
export function Admin() {
  const session = useSession('admin');
  const { sorted, loaded, error: loadError, upsert, remove } = useCameras();
  const [links, setLinks] = useState<Map<string, string>>(new Map());
  const [shown, setShown] = useState<ShownLink | null>(null);
  const refreshLinks = useCallback(() => {
    listPublishLinks()
      .then((list) => setLinks(new Map(list.map((link) => [link.cameraId, link.createdAt]))))
      .catch(() => undefined);
  }, []);
  useEffect(() => {
    if (session) refreshLinks();
  }, [session, refreshLinks]);

  const create = async (input: CreateInput): Promise<FieldErrors | null> => {
    const body =
      input.kind === 'rtsp'
        ? {
            kind: 'rtsp',
            name: input.name,
            rtspUrl: input.rtspUrl,
            ...(input.analysisRtspUrl.trim() ? { analysisRtspUrl: input.analysisRtspUrl } : {}),
            enabled: input.enabled,
          }
        : { kind: 'browser', name: input.name, enabled: input.enabled };
    const parsed = CreateCameraSchema.safeParse(body);
    if (!parsed.success) return toFieldErrors(parsed.error.issues);
    try {
      const created = await createCamera(parsed.data);
      if (created) {
        upsert(created.camera);
        if (created.publishUrl) {
          setShown({ cameraId: created.camera.id, name: created.camera.name, url: created.publishUrl });
          refreshLinks();
        }
      }
      return null;
    } catch (error) {
      return errorFields(error);
    }
  };

  const update = async (id: string, input: UpdateCamera): Promise<FieldErrors | null> => {
    const parsed = UpdateCameraSchema.safeParse(input);
    if (!parsed.success) return toFieldErrors(parsed.error.issues);
    try {
      const camera = await updateCamera(id, parsed.data);
      if (camera) upsert(camera);
      return null;
    } catch (error) {
      return errorFields(error);
    }
  };

  const destroy = async (camera: CameraView): Promise<string | null> => {
    if (!window.confirm(`Remove camera “${camera.name}”?`)) return null;
    try {
      await deleteCamera(camera.id);
      remove(camera.id);
      return null;
    } catch (error) {
      return describeError(error);
    }
  };

  const issueLink = async (camera: CameraView): Promise<string | null> => {
    if (links.has(camera.id) && !window.confirm(`Make a new link for “${camera.name}”? The current link stops at once.`)) return null;
    try {
      const link = await newPublishLink(camera.id);
      if (link) setShown({ cameraId: camera.id, name: camera.name, url: link.publishUrl });
      refreshLinks();
      return null;
    } catch (error) {
      return describeError(error);
    }
  };

  const revokeLink = async (camera: CameraView): Promise<string | null> => {
    if (!window.confirm(`Revoke the publish link of “${camera.name}”? A page publishing with it stops at once.`)) return null;
    try {
      await revokePublishLink(camera.id);
      if (shown?.cameraId === camera.id) setShown(null);
      refreshLinks();
      return null;
    } catch (error) {
      return describeError(error);
    }
  };

  return (
    <div className={styles.shell}>
      <NavBar current="/admin" session={session}>
        <span>{sorted.length} cameras</span>
      </NavBar>
      <main className={styles.main}>
        {shown && <PublishLink link={shown} onClose={() => setShown(null)} />}
        <section className={styles.card}>
          <h2 className={styles.heading}>Add a camera</h2>
          <AddCameraForm onCreate={create} />
        </section>
        <section className={styles.card}>
          <h2 className={styles.heading}>Cameras</h2>
          {loadError && <p className={styles.formError}>Cannot load cameras: {loadError}</p>}
          {loaded && sorted.length === 0 && !loadError && <p className={styles.muted}>No cameras yet.</p>}
          {sorted.length > 0 && (
            <table className={styles.table}>
              <thead>
                <tr>
                  <th>Name</th>
                  <th>Kind</th>
                  <th>Source</th>
                  <th>Status</th>
                  <th>Enabled</th>
                  <th>Analysis</th>
                  <th>Publish link</th>
                  <th aria-label="Actions" />
                </tr>
              </thead>
              <tbody>
                {sorted.map((camera) => (
                  <CameraRow
                    key={camera.id}
                    camera={camera}
                    linkSince={links.get(camera.id) ?? null}
                    onUpdate={update}
                    onDelete={destroy}
                    onIssueLink={issueLink}
                    onRevokeLink={revokeLink}
                  />
                ))}
              </tbody>
            </table>
          )}
        </section>
      </main>
    </div>
  );
}

/** The Analysis column's words: the setting, and while it is on, what the analysis does now. */
export function analysisText(camera: CameraView): string {
  if (!camera.analysisEnabled) return 'off';
  switch (camera.analysis.status) {
    case 'running':
      return 'on, analysing';
    case 'starting':
      return 'on, starting';
    case 'stalled':
      return 'on, stalled';
    case 'off':
      // Enabled but nothing to analyse yet (camera offline or disabled, no node): waiting, not "off".
      return 'on, waiting for video';
  }
}

function errorFields(error: unknown): FieldErrors {
  if (error instanceof ApiError) {
    const fields = toFieldErrors(error.body.issues);
    return Object.keys(fields).length > 0 ? fields : { '(root)': error.body.message };
  }
  return { '(root)': describeError(error) };
}

type RowProps = {
  camera: CameraView;
  onUpdate: (id: string, input: UpdateCamera) => Promise<FieldErrors | null>;
  onDelete: (camera: CameraView) => Promise<string | null>;
  /** When its publish link was made (browser cameras), null without one. */
  linkSince: string | null;
  onIssueLink: (camera: CameraView) => Promise<string | null>;
  onRevokeLink: (camera: CameraView) => Promise<string | null>;
};

function CameraRow({ camera, linkSince, onUpdate, onDelete, onIssueLink, onRevokeLink }: RowProps) {
  const [editing, setEditing] = useState(false);
  const [name, setName] = useState(camera.name);
  const [rtspUrl, setRtspUrl] = useState('');
  const [analysisRtspUrl, setAnalysisRtspUrl] = useState('');
  const [dropAnalysisStream, setDropAnalysisStream] = useState(false);
  const [errors, setErrors] = useState<FieldErrors>({});
  const [busy, setBusy] = useState(false);

  const save = async (): Promise<void> => {
    const input: UpdateCamera = {};
    if (name !== camera.name) input.name = name;
    if (camera.kind === 'rtsp' && rtspUrl.trim() !== '') input.rtspUrl = rtspUrl;
    if (camera.kind === 'rtsp' && analysisRtspUrl.trim() !== '') input.analysisRtspUrl = analysisRtspUrl;
    else if (camera.kind === 'rtsp' && dropAnalysisStream) input.analysisRtspUrl = null;
    if (Object.keys(input).length === 0) {
      setEditing(false);
      return;
    }
    setBusy(true);
    const result = await onUpdate(camera.id, input);
    setBusy(false);
    if (result) setErrors(result);
    else {
      setErrors({});
      setEditing(false);
    }
  };

  const showError = (error: string | null): void => setErrors(error ? { '(root)': error } : {});

  const toggle = async (change: { enabled: boolean } | { analysisEnabled: boolean }): Promise<void> => {
    setBusy(true);
    const result = await onUpdate(camera.id, change);
    setBusy(false);
    setErrors(result ?? {});
  };

  return (
    <tr data-camera-id={camera.id} data-status={camera.status} data-enabled={camera.enabled ? 'true' : 'false'}>
      <td>
        {editing ? (
          <form
            className={styles.inlineForm}
            onSubmit={(event) => {
              event.preventDefault();
              void save();
            }}
          >
            <input aria-label="Name" value={name} onChange={(event) => setName(event.target.value)} autoFocus />
            {errors.name && <span className={styles.fieldError}>{errors.name}</span>}
            {camera.kind === 'rtsp' && (
              <>
                <input aria-label="New RTSP URL" placeholder="new rtsp:// URL (optional)" value={rtspUrl} onChange={(event) => setRtspUrl(event.target.value)} />
                {errors.rtspUrl && <span className={styles.fieldError}>{errors.rtspUrl}</span>}
                <input
                  aria-label="New analysis stream URL"
                  placeholder="new analysis stream rtsp:// URL (optional)"
                  value={analysisRtspUrl}
                  onChange={(event) => setAnalysisRtspUrl(event.target.value)}
                />
                {errors.analysisRtspUrl && <span className={styles.fieldError}>{errors.analysisRtspUrl}</span>}
                {camera.analysisRtspUrl && (
                  <label className={styles.switch}>
                    <input type="checkbox" checked={dropAnalysisStream} onChange={(event) => setDropAnalysisStream(event.target.checked)} />
                    <span>analyse the main stream again</span>
                  </label>
                )}
              </>
            )}
            <div className={styles.rowActions}>
              <button type="submit" disabled={busy}>
                Save
              </button>
              <button
                type="button"
                onClick={() => {
                  setEditing(false);
                  setName(camera.name);
                  setErrors({});
                }}
              >
                Cancel
              </button>
            </div>
          </form>
        ) : (
          <span className={styles.name}>{camera.name}</span>
        )}
      </td>
      <td className={styles.muted}>{camera.kind}</td>
      <td className={styles.source}>
        {camera.rtspUrl ?? '—'}
        {camera.analysisRtspUrl && <div className={styles.muted}>analysis: {camera.analysisRtspUrl}</div>}
      </td>
      <td>
        <StatusBadge status={camera.status} detail={camera.statusDetail} />
        {camera.statusDetail && <div className={styles.statusDetail}>{camera.statusDetail}</div>}
        {camera.status === 'error' && <RetryCountdown at={camera.retryAt} className={styles.statusDetail} />}
      </td>
      <td>
        <label className={styles.switch}>
          <input type="checkbox" checked={camera.enabled} disabled={busy} onChange={() => void toggle({ enabled: !camera.enabled })} aria-label={`Enable ${camera.name}`} />
          <span>{camera.enabled ? 'on' : 'off'}</span>
        </label>
      </td>
      <td data-analysis={camera.analysis.status}>
        {/* The box is the setting; beside it, what the analysis does now (a ticked box never sits beside "off"). */}
        <label className={styles.switch}>
          <input
            type="checkbox"
            checked={camera.analysisEnabled}
            disabled={busy}
            onChange={() => void toggle({ analysisEnabled: !camera.analysisEnabled })}
            aria-label={`Analyse ${camera.name}`}
          />
          <span data-analysis-text>{analysisText(camera)}</span>
        </label>
        {camera.analysisEnabled && camera.analysis.detail && camera.analysis.status !== 'running' && (
          <div className={styles.statusDetail}>{camera.analysis.detail}</div>
        )}
        {camera.analysisEnabled && camera.analysis.input && <AnalysedInput input={camera.analysis.input} />}
      </td>
      <td data-link={camera.kind === 'browser' ? (linkSince ? 'active' : 'none') : undefined}>
        {camera.kind === 'browser' ? (
          <div className={styles.inlineForm}>
            <span className={styles.muted}>{linkSince ? `since ${formatDateTime(Date.parse(linkSince))}` : 'none'}</span>
            <div className={styles.rowActions} style={{ justifyContent: 'flex-start' }}>
              <button type="button" disabled={busy} onClick={() => void onIssueLink(camera).then(showError)}>
                {linkSince ? 'New link' : 'Make link'}
              </button>
              {linkSince && (
                <button type="button" className={styles.danger} disabled={busy} onClick={() => void onRevokeLink(camera).then(showError)}>
                  Revoke link
                </button>
              )}
            </div>
          </div>
        ) : (
          <span className={styles.muted}>—</span>
        )}
      </td>
      <td>
        <div className={styles.rowActions}>
          {!editing && (
            <button type="button" onClick={() => setEditing(true)}>
              Edit
            </button>
          )}
          <button
            type="button"
            className={styles.danger}
            disabled={busy}
            onClick={async () => {
              const error = await onDelete(camera);
              if (error) setErrors({ '(root)': error });
            }}
          >
            Remove
          </button>
        </div>
        {errors['(root)'] && <div className={styles.fieldError}>{errors['(root)']}</div>}
      </td>
    </tr>
  );
}

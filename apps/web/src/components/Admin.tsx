'use client';
/** /admin: the camera list, through the REST API, kept current by socket.io `camera:state` pushes. */
import { useState } from 'react';
import { CreateCameraSchema, UpdateCameraSchema, type CameraKind, type CameraView, type UpdateCamera } from '@maskwatch/protocol/camera';
import { useCameras } from '../hooks/useCameras';
import { ApiError, createCamera, deleteCamera, updateCamera } from '../lib/api';
import { toFieldErrors, type FieldErrors } from '../lib/fieldErrors';
import { describeError } from '../lib/signalling';
import { AddCameraForm } from './AddCameraForm';
import { NavBar } from './NavBar';
import { StatusBadge } from './StatusBadge';
import styles from './Admin.module.css';

export type CreateInput = { kind: CameraKind; name: string; rtspUrl: string; enabled: boolean };

/** Needs a `SignallingProvider` above it (the page provides one): the list follows the server's pushes. */
export function Admin() {
  const { sorted, loaded, error: loadError, upsert, remove } = useCameras();

  const create = async (input: CreateInput): Promise<FieldErrors | null> => {
    const body = input.kind === 'rtsp' ? { kind: 'rtsp', name: input.name, rtspUrl: input.rtspUrl, enabled: input.enabled } : { kind: 'browser', name: input.name, enabled: input.enabled };
    const parsed = CreateCameraSchema.safeParse(body);
    if (!parsed.success) return toFieldErrors(parsed.error.issues);
    try {
      const camera = await createCamera(parsed.data);
      if (camera) upsert(camera);
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

  return (
    <div className={styles.shell}>
      <NavBar current="/admin">
        <span>{sorted.length} cameras</span>
      </NavBar>
      <main className={styles.main}>
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
                  <th aria-label="Actions" />
                </tr>
              </thead>
              <tbody>
                {sorted.map((camera) => (
                  <CameraRow key={camera.id} camera={camera} onUpdate={update} onDelete={destroy} />
                ))}
              </tbody>
            </table>
          )}
        </section>
      </main>
    </div>
  );
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
};

function CameraRow({ camera, onUpdate, onDelete }: RowProps) {
  const [editing, setEditing] = useState(false);
  const [name, setName] = useState(camera.name);
  const [rtspUrl, setRtspUrl] = useState('');
  const [errors, setErrors] = useState<FieldErrors>({});
  const [busy, setBusy] = useState(false);

  const save = async (): Promise<void> => {
    const input: UpdateCamera = {};
    if (name !== camera.name) input.name = name;
    if (camera.kind === 'rtsp' && rtspUrl.trim() !== '') input.rtspUrl = rtspUrl;
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

  const toggle = async (): Promise<void> => {
    setBusy(true);
    const result = await onUpdate(camera.id, { enabled: !camera.enabled });
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
      <td className={styles.source}>{camera.rtspUrl ?? '—'}</td>
      <td>
        <StatusBadge status={camera.status} detail={camera.statusDetail} />
        {camera.statusDetail && <div className={styles.statusDetail}>{camera.statusDetail}</div>}
      </td>
      <td>
        <label className={styles.switch}>
          <input type="checkbox" checked={camera.enabled} disabled={busy} onChange={() => void toggle()} aria-label={`Enable ${camera.name}`} />
          <span>{camera.enabled ? 'on' : 'off'}</span>
        </label>
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

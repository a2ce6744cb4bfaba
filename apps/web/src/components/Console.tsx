'use client';
/** /console: every camera as a tile with its live video and the server's face boxes drawn over it. */
import { useEffect, useMemo, useRef, useState } from 'react';
import type { CameraView } from '@maskwatch/protocol/camera';
import type { FrameResult } from '@maskwatch/protocol/faces';
import { useSession } from '../lib/session';
import { connectSignalling, describeError, onPush, SignallingError, unavailableRetryDelay } from '../lib/signalling';
import { Viewer } from '../lib/viewer';
import { CameraTile, type LatestResult } from './CameraTile';
import { NavBar } from './NavBar';
import styles from './Console.module.css';

type Link = { status: 'connecting' | 'online' | 'offline'; detail: string | null };

export function Console() {
  const session = useSession('operator');
  const [cameras, setCameras] = useState<Map<string, CameraView>>(new Map());
  const [link, setLink] = useState<Link>({ status: 'connecting', detail: null });
  const [viewer, setViewer] = useState<{ viewer: Viewer; epoch: number } | null>(null);
  const [focused, setFocused] = useState<string | null>(null);
  const results = useRef(new Map<string, LatestResult>());

  useEffect(() => {
    const socket = connectSignalling('viewer');
    const instance = new Viewer(socket);
    let epoch = 0;
    let joins = 0;
    let unavailableFailures = 0;
    let retryTimer: ReturnType<typeof setTimeout> | undefined;
    const upsert = (camera: CameraView): void => setCameras((prev) => new Map(prev).set(camera.id, camera));
    const offState = onPush(socket, 'camera:state', upsert);
    const offRemoved = onPush(socket, 'camera:removed', ({ cameraId }) => {
      results.current.delete(cameraId);
      setCameras((prev) => {
        const next = new Map(prev);
        next.delete(cameraId);
        return next;
      });
    });
    const offResults = onPush(socket, 'results:frame', (result: FrameResult) => {
      results.current.set(result.cameraId, { result, receivedAt: performance.now() });
    });
    const join = (detail: string): void => {
      clearTimeout(retryTimer);
      setViewer(null);
      setLink({ status: 'connecting', detail });
      const attempt = ++joins;
      instance
        .join()
        .then((list) => {
          if (attempt !== joins) return;
          unavailableFailures = 0;
          setCameras(new Map(list.map((camera) => [camera.id, camera])));
          // A new epoch makes every tile consume again on the fresh transport.
          setViewer({ viewer: instance, epoch: ++epoch });
          setLink({ status: 'online', detail: null });
        })
        .catch((error: unknown) => {
          if (attempt !== joins) return;
          setLink({ status: 'offline', detail: describeError(error) });
          // No media worker yet (one is being replaced): join again by itself.
          if (error instanceof SignallingError && error.code === 'unavailable') {
            retryTimer = setTimeout(() => {
              if (socket.connected) join('joining again');
            }, unavailableRetryDelay(unavailableFailures++));
          }
        });
    };
    // The media worker behind this viewer restarted: the server dropped our transport and consumers; join again.
    const offError = onPush(socket, 'server:error', (error) => {
      if (error.code === 'unavailable' && error.event === 'viewer:join') join('media server restarted; joining again');
    });
    socket.on('connect', () => join('joining'));
    socket.on('disconnect', (reason) => {
      setViewer(null);
      setLink({ status: 'offline', detail: reason });
      if (reason === 'io server disconnect') socket.connect();
    });
    socket.on('connect_error', (error) => setLink({ status: 'offline', detail: error.message }));
    return () => {
      offState();
      offRemoved();
      offResults();
      offError();
      clearTimeout(retryTimer);
      instance.close();
      socket.close();
    };
  }, []);

  useEffect(() => {
    const onKey = (event: KeyboardEvent): void => {
      if (event.key === 'Escape') setFocused(null);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  const sorted = useMemo(() => [...cameras.values()].sort((a, b) => a.name.localeCompare(b.name) || a.id.localeCompare(b.id)), [cameras]);
  const live = sorted.filter((camera) => camera.status === 'live').length;
  const focusedCamera = focused !== null && cameras.has(focused) ? focused : null;

  return (
    <div className={styles.shell}>
      <NavBar current="/console" session={session}>
        <span>
          {live} live / {sorted.length} cameras
        </span>
        <span className={`${styles.link} ${styles[link.status]}`} title={link.detail ?? undefined} data-link={link.status}>
          {link.status === 'online' ? 'connected' : link.status === 'connecting' ? 'connecting…' : 'disconnected'}
        </span>
      </NavBar>
      <main className={styles.main}>
        {sorted.length === 0 ? (
          <div className={styles.empty}>
            <h2>No cameras yet</h2>
            <p>
              An admin adds cameras in <a href="/admin">Cameras</a>: an RTSP camera, or a browser camera whose publish link a phone opens.
            </p>
          </div>
        ) : (
          <div className={styles.grid}>
            {sorted.map((camera) => (
              <CameraTile
                key={camera.id}
                camera={camera}
                viewer={viewer}
                results={results}
                focused={focusedCamera === camera.id}
                onToggleFocus={() => setFocused((current) => (current === camera.id ? null : camera.id))}
              />
            ))}
          </div>
        )}
        {focusedCamera && <div className={styles.backdrop} onClick={() => setFocused(null)} aria-hidden />}
      </main>
    </div>
  );
}

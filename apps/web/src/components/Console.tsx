'use client';
/** /console: every camera as a tile with its live video and the server's face boxes drawn over it. */
import { useEffect, useState } from 'react';
import { useCameras } from '../hooks/useCameras';
import { useResultTimelines } from '../hooks/useResultTimelines';
import { useServerClock } from '../hooks/useServerClock';
import { useSignalling } from '../hooks/useSignalling';
import { useViewer } from '../hooks/useViewer';
import { useSession } from '../lib/session';
import { CameraTile } from './CameraTile';
import { AlertFeed } from './alerts/AlertFeed';
import { NavBar } from './NavBar';
import styles from './Console.module.css';

/** Needs a `SignallingProvider` above it (the page provides one). */
export function Console() {
  const session = useSession('operator');
  const { sorted, cameras } = useCameras();
  const signalling = useSignalling();
  const { viewer, error: viewerError } = useViewer();
  const clock = useServerClock();
  const results = useResultTimelines(clock);
  const [focused, setFocused] = useState<string | null>(null);
  const link = viewerError ? { status: 'offline' as const, detail: viewerError } : signalling.link;

  useEffect(() => {
    const onKey = (event: KeyboardEvent): void => {
      if (event.key === 'Escape') setFocused(null);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  const live = sorted.filter((camera) => camera.status === 'live').length;
  const focusedCamera = focused !== null && cameras.has(focused) ? focused : null;

  return (
    <div className={styles.shell}>
      <NavBar current="/console" session={session}>
        <span>
          {live} live / {sorted.length} {sorted.length === 1 ? 'camera' : 'cameras'}
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
                clock={clock}
                focused={focusedCamera === camera.id}
                onToggleFocus={() => setFocused((current) => (current === camera.id ? null : camera.id))}
              />
            ))}
          </div>
        )}
        {focusedCamera && <div className={styles.backdrop} onClick={() => setFocused(null)} aria-hidden />}
        <AlertFeed onOpenCamera={setFocused} />
      </main>
    </div>
  );
}

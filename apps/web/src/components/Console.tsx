'use client';
/**
 * /console: the cameras as tiles that fill the screen (1, 4, 9 or 16 per page, pages for more), each with its live
 * video and the server's face boxes; a camera enlarged within the grid area, the grid or a tile in the browser's full
 * screen; the alerts panel beside the grid (never over it); keyboard shortcuts (`?` lists them).
 */
import { useCallback, useEffect, useRef, useState, type CSSProperties } from 'react';
import { useCameras } from '../hooks/useCameras';
import { useResultTimelines } from '../hooks/useResultTimelines';
import { useServerClock } from '../hooks/useServerClock';
import { useSignalling } from '../hooks/useSignalling';
import { useViewer } from '../hooks/useViewer';
import { toggleFullscreen } from '../lib/fullscreen';
import { gridLayout, LAYOUTS, nextLayout, type LayoutChoice } from '../lib/gridLayout';
import { useSession } from '../lib/session';
import { shortcutFor } from '../lib/shortcuts';
import { liveCountText } from '../lib/tileState';
import { CameraTile } from './CameraTile';
import { FullscreenIcon } from './Icons';
import { AlertFeed } from './alerts/AlertFeed';
import { NavBar } from './NavBar';
import { ShortcutsOverlay } from './ShortcutsOverlay';
import styles from './Console.module.css';

const LAYOUT_KEY = 'maskwatch.console.layout';
const ALERTS_KEY = 'maskwatch.console.alerts';

function storedLayout(): LayoutChoice {
  const stored = window.localStorage.getItem(LAYOUT_KEY);
  return LAYOUTS.find((choice) => String(choice) === stored) ?? 'auto';
}

/** Needs a `SignallingProvider` above it (the page provides one). */
export function Console() {
  const session = useSession('operator');
  const { sorted, cameras } = useCameras();
  const signalling = useSignalling();
  const { viewer, error: viewerError } = useViewer();
  const clock = useServerClock();
  const results = useResultTimelines(clock);
  const gridRef = useRef<HTMLDivElement>(null);
  const [focused, setFocused] = useState<string | null>(null);
  const [choice, setChoice] = useState<LayoutChoice>('auto');
  const [page, setPage] = useState(0);
  const [alertsOpen, setAlertsOpen] = useState(true);
  const [help, setHelp] = useState(false);
  const link = viewerError ? { status: 'offline' as const, detail: viewerError } : signalling.link;
  const current = signalling.current;

  useEffect(() => {
    setChoice(storedLayout());
    setAlertsOpen(window.localStorage.getItem(ALERTS_KEY) !== 'off');
  }, []);
  const chooseLayout = useCallback((next: LayoutChoice) => {
    window.localStorage.setItem(LAYOUT_KEY, String(next));
    setChoice(next);
  }, []);
  const toggleAlerts = useCallback(() => {
    setAlertsOpen((open) => {
      window.localStorage.setItem(ALERTS_KEY, open ? 'off' : 'on');
      return !open;
    });
  }, []);

  const layout = gridLayout(sorted.length, choice, page);
  const onPage = sorted.slice(layout.start, layout.end);
  // Enlarged only while it is on the page shown (openCamera turns to its page).
  const focusedCamera = focused !== null && cameras.has(focused) && onPage.some((camera) => camera.id === focused) ? focused : null;

  // Opening a camera from the alerts panel: show the page it is on.
  const openCamera = useCallback(
    (cameraId: string) => {
      const index = sorted.findIndex((camera) => camera.id === cameraId);
      if (index >= 0) setPage(Math.floor(index / layout.perPage));
      setFocused(cameraId);
    },
    [sorted, layout.perPage],
  );

  useEffect(() => {
    const onKey = (event: KeyboardEvent): void => {
      const action = shortcutFor(event);
      if (!action) return;
      event.preventDefault();
      switch (action.kind) {
        case 'help':
          setHelp((shown) => !shown);
          break;
        case 'close':
          if (help) setHelp(false);
          else setFocused(null);
          break;
        case 'enlarge': {
          const camera = onPage[action.index];
          if (camera) setFocused((currentId) => (currentId === camera.id ? null : camera.id));
          break;
        }
        case 'fullscreen': {
          const tile = focusedCamera ? gridRef.current?.querySelector(`article[data-camera-id="${focusedCamera}"]`) : null;
          void toggleFullscreen(tile ?? gridRef.current);
          break;
        }
        case 'layout':
          chooseLayout(nextLayout(choice));
          setPage(0);
          break;
        case 'page':
          setPage((n) => Math.min(layout.pages - 1, Math.max(0, n + action.delta)));
          break;
        case 'alerts':
          toggleAlerts();
          break;
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [help, onPage, focusedCamera, choice, layout.pages, chooseLayout, toggleAlerts]);

  return (
    <div className={styles.shell}>
      <NavBar current="/console" session={session}>
        <span data-live-count>{liveCountText(sorted, current)}</span>
        <span className={`${styles.link} ${styles[link.status]}`} title={link.detail ?? undefined} data-link={link.status}>
          {link.status === 'online' ? 'connected' : link.status === 'connecting' ? 'connecting…' : 'disconnected'}
        </span>
      </NavBar>
      <div className={styles.toolbar} role="toolbar" aria-label="Grid">
        <span className={styles.muted}>Per page</span>
        <div className={styles.segmented}>
          {LAYOUTS.map((option) => (
            <button
              key={option}
              type="button"
              aria-pressed={choice === option}
              onClick={() => {
                chooseLayout(option);
                setPage(0);
              }}
            >
              {option === 'auto' ? 'Auto' : option}
            </button>
          ))}
        </div>
        {layout.pages > 1 && (
          <div className={styles.pager} data-page={layout.page + 1} data-pages={layout.pages}>
            <button type="button" onClick={() => setPage(layout.page - 1)} disabled={layout.page === 0} aria-label="Previous page">
              ‹
            </button>
            <span>
              Page {layout.page + 1} of {layout.pages}
            </span>
            <button type="button" onClick={() => setPage(layout.page + 1)} disabled={layout.page >= layout.pages - 1} aria-label="Next page">
              ›
            </button>
          </div>
        )}
        <span className={styles.spacer} />
        <button type="button" onClick={() => void toggleFullscreen(gridRef.current)} title="Full screen (F)">
          <FullscreenIcon /> Full screen
        </button>
        <button type="button" onClick={toggleAlerts} aria-pressed={alertsOpen} title="Alerts panel (A)">
          Alerts
        </button>
        <button type="button" onClick={() => setHelp(true)} title="Keyboard shortcuts (?)" aria-label="Keyboard shortcuts">
          ?
        </button>
      </div>
      <main className={styles.main}>
        <div ref={gridRef} className={styles.gridArea} data-grid>
          {sorted.length === 0 ? (
            <div className={styles.empty}>
              <h2>No cameras yet</h2>
              <p>
                An admin adds cameras in <a href="/admin">Cameras</a>: an RTSP camera, or a browser camera whose publish link a phone opens.
              </p>
            </div>
          ) : (
            <div
              className={styles.grid}
              style={{ '--columns': layout.columns, '--rows': layout.rows } as CSSProperties}
              data-columns={layout.columns}
              data-rows={layout.rows}
            >
              {onPage.map((camera, i) => (
                <CameraTile
                  key={camera.id}
                  camera={camera}
                  number={i + 1}
                  viewer={viewer}
                  results={results}
                  clock={clock}
                  current={current}
                  focused={focusedCamera === camera.id}
                  onToggleFocus={() => setFocused((currentId) => (currentId === camera.id ? null : camera.id))}
                />
              ))}
            </div>
          )}
          {focusedCamera && <div className={styles.backdrop} onClick={() => setFocused(null)} aria-hidden />}
        </div>
        {alertsOpen && <AlertFeed onOpenCamera={openCamera} />}
      </main>
      {help && <ShortcutsOverlay onClose={() => setHelp(false)} />}
    </div>
  );
}

'use client';
/** The `?` overlay: every console shortcut, and a link to the help page. */
import { SHORTCUTS } from '../lib/shortcuts';
import styles from './Console.module.css';

export function ShortcutsOverlay({ onClose }: { onClose: () => void }) {
  return (
    <div className={styles.overlayBackdrop} onClick={onClose} role="dialog" aria-modal aria-label="Keyboard shortcuts" data-shortcuts>
      <div className={styles.shortcuts} onClick={(event) => event.stopPropagation()}>
        <h2>Keyboard shortcuts</h2>
        <ShortcutList />
        <p className={styles.muted}>
          More in <a href="/help">Help</a>. <button type="button" onClick={onClose}>Close (Esc)</button>
        </p>
      </div>
    </div>
  );
}

/** The shortcuts as a definition list (the overlay and the help page). */
export function ShortcutList() {
  return (
    <dl className={styles.shortcutList}>
      {SHORTCUTS.map((shortcut) => (
        <div key={shortcut.what}>
          <dt>
            {shortcut.keys.map((key) => (key === '…' ? <span key={key}> … </span> : <kbd key={key}>{key}</kbd>))}
          </dt>
          <dd>{shortcut.what}</dd>
        </div>
      ))}
    </dl>
  );
}

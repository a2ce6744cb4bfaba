/** The console's keyboard shortcuts: one list for the `?` overlay, the help page and the key handler. */
export type ShortcutAction =
  | { kind: 'help' }
  | { kind: 'close' }
  | { kind: 'enlarge'; index: number }
  | { kind: 'fullscreen' }
  | { kind: 'layout' }
  | { kind: 'page'; delta: 1 | -1 }
  | { kind: 'alerts' };

export const SHORTCUTS: readonly { keys: string[]; what: string }[] = [
  { keys: ['1', '…', '9'], what: 'Enlarge the 1st … 9th camera on the page (again: back to the grid)' },
  { keys: ['Esc'], what: 'Back to the grid; close this list' },
  { keys: ['F'], what: 'Full screen: the enlarged camera, or the whole grid (again: leave)' },
  { keys: ['G'], what: 'Cameras per page: automatic, 1, 4, 9, 16' },
  { keys: ['←', '→'], what: 'Previous / next page of cameras (also Page Up / Page Down)' },
  { keys: ['A'], what: 'Show or hide the alerts panel' },
  { keys: ['?'], what: 'Show or hide this list' },
];

type KeyLike = Pick<KeyboardEvent, 'key' | 'ctrlKey' | 'metaKey' | 'altKey'> & { target?: EventTarget | null };

function typing(target: EventTarget | null | undefined): boolean {
  if (!target || typeof (target as Element).closest !== 'function') return false;
  return (target as Element).closest('input, textarea, select, [contenteditable="true"]') !== null;
}

/** The action of a key press on the console, or null (modifier keys, typing in a field, any other key). */
export function shortcutFor(event: KeyLike): ShortcutAction | null {
  if (event.ctrlKey || event.metaKey || event.altKey || typing(event.target)) return null;
  const key = event.key;
  if (key === '?') return { kind: 'help' };
  if (key === 'Escape') return { kind: 'close' };
  if (/^[1-9]$/.test(key)) return { kind: 'enlarge', index: Number(key) - 1 };
  switch (key.toLowerCase()) {
    case 'f':
      return { kind: 'fullscreen' };
    case 'g':
      return { kind: 'layout' };
    case 'a':
      return { kind: 'alerts' };
    case 'arrowright':
    case 'pagedown':
      return { kind: 'page', delta: 1 };
    case 'arrowleft':
    case 'pageup':
      return { kind: 'page', delta: -1 };
    default:
      return null;
  }
}

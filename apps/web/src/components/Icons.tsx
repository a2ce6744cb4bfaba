/**
 * Signs drawn rather than typed: U+26F6 (full screen) and the bell emoji are missing from many fonts (headless
 * Chromium's and some Windows installs) and showed as empty boxes.
 */
const svg = { fill: 'none', stroke: 'currentColor', strokeWidth: 1.8, style: { verticalAlign: '-2px' }, 'aria-hidden': true } as const;

/** Four corners. */
export function FullscreenIcon({ size = 14 }: { size?: number }) {
  return (
    <svg width={size} height={size} viewBox="0 0 16 16" {...svg}>
      <path d="M1.5 5.5v-4h4M10.5 1.5h4v4M14.5 10.5v4h-4M5.5 14.5h-4v-4" />
    </svg>
  );
}

/** A bell; struck through when `off`. */
export function BellIcon({ off = false, size = 14 }: { off?: boolean; size?: number }) {
  return (
    <svg width={size} height={size} viewBox="0 0 16 16" {...svg}>
      <path d="M4 11.5V7a4 4 0 0 1 8 0v4.5l1.5 1.5h-11zM6.5 14.5h3" strokeLinejoin="round" />
      {off && <path d="M2 2l12 12" />}
    </svg>
  );
}

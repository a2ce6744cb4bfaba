/** How many tiles the console shows per page: automatic (by the number of cameras) or a fixed square grid. */
export const LAYOUTS = ['auto', 1, 4, 9, 16] as const;
export type LayoutChoice = (typeof LAYOUTS)[number];

export type GridLayout = {
  /** Tiles per page (1, 4, 9 or 16). */
  perPage: number;
  /** Grid columns and rows on this page (fewer rows when the page is not full, so tiles stay large). */
  columns: number;
  rows: number;
  pages: number;
  /** The page shown (clamped to the pages there are), 0-based. */
  page: number;
  /** Index range of the cameras on this page: [start, end). */
  start: number;
  end: number;
};

/** The smallest square grid (1, 4, 9, 16) that holds `count` tiles; 16 beyond that (and pages). */
function autoPerPage(count: number): number {
  for (const size of [1, 4, 9, 16]) if (count <= size) return size;
  return 16;
}

/**
 * The console grid for `count` cameras: tiles per page, columns and rows, and which cameras page `page` shows. Tiles
 * fill the screen, so a single page that is not full gets fewer rows (2 cameras: one row of two, not a half-empty 2x2).
 */
export function gridLayout(count: number, choice: LayoutChoice, page: number): GridLayout {
  const perPage = choice === 'auto' ? autoPerPage(count) : choice;
  const columns = Math.round(Math.sqrt(perPage));
  const pages = Math.max(1, Math.ceil(count / perPage));
  const shown = Math.min(Math.max(0, Math.trunc(page)), pages - 1);
  const start = shown * perPage;
  const end = Math.min(count, start + perPage);
  const onPage = Math.max(1, end - start);
  // One page: drop empty rows and columns so the tiles grow. Several pages: every page keeps the full grid, so a
  // tile has the same size on each page.
  if (pages > 1) return { perPage, columns, rows: columns, pages, page: shown, start, end };
  return { perPage, columns: Math.min(columns, onPage), rows: Math.ceil(onPage / columns), pages, page: shown, start, end };
}

/** The next layout in LAYOUTS order (the `g` shortcut). */
export function nextLayout(choice: LayoutChoice): LayoutChoice {
  const i = LAYOUTS.indexOf(choice);
  return LAYOUTS[(i + 1) % LAYOUTS.length] ?? 'auto';
}

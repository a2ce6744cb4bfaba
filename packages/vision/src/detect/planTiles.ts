/** A square window of a (scaled) picture, in that picture's pixels. */
export type Tile = { x: number; y: number; width: number; height: number };

/**
 * Covers a width x height picture with tiles of at most `side` x `side` that overlap by at least `overlap` pixels,
 * so that anything up to `overlap` pixels wide lies whole inside some tile. Tiles along an axis are spread evenly,
 * the first at 0 and the last ending on the edge; a picture no larger than `side` is one tile.
 */
export function planTiles(width: number, height: number, side: number, overlap: number): Tile[] {
  const starts = (length: number): number[] => {
    if (length <= side) return [0];
    const n = Math.ceil((length - overlap) / (side - overlap));
    const step = (length - side) / (n - 1);
    return Array.from({ length: n }, (_, i) => Math.round(i * step));
  };
  const w = Math.min(side, width);
  const h = Math.min(side, height);
  return starts(height).flatMap((y) => starts(width).map((x) => ({ x, y, width: w, height: h })));
}

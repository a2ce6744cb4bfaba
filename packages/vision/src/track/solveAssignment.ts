/**
 * Minimum-cost assignment of `rows` to `cols` (the Hungarian method in its O(n²·m) potentials form), for the
 * small matrices one frame gives (tracks × detections of one camera).
 *
 * `cost` is row-major, rows × cols; an entry of `Infinity` (or above `maxCost`) is a pair that must not be matched.
 * Among all assignments it first maximises the number of allowed pairs, then minimises their total cost. Returns,
 * per row, the matched column or -1.
 */
export function solveAssignment(
  cost: Float64Array,
  rows: number,
  cols: number,
  maxCost: number = Infinity,
): Int32Array {
  const rowToCol = new Int32Array(rows).fill(-1);
  if (rows === 0 || cols === 0) return rowToCol;
  // The method wants rows <= cols: solve the transpose otherwise.
  const transposed = rows > cols;
  const n = transposed ? cols : rows;
  const m = transposed ? rows : cols;
  // Forbidden pairs cost more than any set of allowed ones, so they are used only where nothing else fits, then
  // dropped. Finite, so the potentials stay finite.
  const forbidden = 1 + n * Math.max(1, finiteMax(cost, maxCost));
  const at = (i: number, j: number): number => {
    const c = transposed ? cost[j * cols + i]! : cost[i * cols + j]!;
    return c <= maxCost ? c : forbidden;
  };

  // 1-based arrays as in the textbook form; column 0 is the virtual start.
  const u = new Float64Array(n + 1);
  const v = new Float64Array(m + 1);
  const p = new Int32Array(m + 1); // p[j]: row matched to column j (0 = none)
  const way = new Int32Array(m + 1);
  const minv = new Float64Array(m + 1);
  const used = new Uint8Array(m + 1);
  for (let i = 1; i <= n; i++) {
    p[0] = i;
    let j0 = 0;
    minv.fill(Infinity);
    used.fill(0);
    do {
      used[j0] = 1;
      const i0 = p[j0]!;
      let delta = Infinity;
      let j1 = 0;
      for (let j = 1; j <= m; j++) {
        if (used[j]) continue;
        const cur = at(i0 - 1, j - 1) - u[i0]! - v[j]!;
        if (cur < minv[j]!) {
          minv[j] = cur;
          way[j] = j0;
        }
        if (minv[j]! < delta) {
          delta = minv[j]!;
          j1 = j;
        }
      }
      for (let j = 0; j <= m; j++) {
        if (used[j]) {
          u[p[j]!]! += delta;
          v[j]! -= delta;
        } else {
          minv[j]! -= delta;
        }
      }
      j0 = j1;
    } while (p[j0] !== 0);
    do {
      const j1 = way[j0]!;
      p[j0] = p[j1]!;
      j0 = j1;
    } while (j0 !== 0);
  }
  for (let j = 1; j <= m; j++) {
    const i = p[j]!;
    if (i === 0 || at(i - 1, j - 1) === forbidden) continue;
    if (transposed) rowToCol[j - 1] = i - 1;
    else rowToCol[i - 1] = j - 1;
  }
  return rowToCol;
}

function finiteMax(cost: Float64Array, maxCost: number): number {
  let max = 0;
  for (const c of cost) if (c <= maxCost && Number.isFinite(c) && Math.abs(c) > max) max = Math.abs(c);
  return max;
}

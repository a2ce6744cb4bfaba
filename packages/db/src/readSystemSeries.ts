import { readFileSync } from 'node:fs';
import type { SystemPoint } from '@maskwatch/protocol/modelRuns';

/** At most this many points are kept per run: enough for a chart, small enough for a database row. */
export const MAX_SYSTEM_POINTS = 400;

/**
 * A training run's system usage over time (`models/runs/<id>/system.jsonl`: one JSON object per line with `t` in
 * seconds and figures such as cpuPercent, rssMb, GPU use), evenly thinned to MAX_SYSTEM_POINTS. Only numeric fields
 * are kept; lines that are not JSON objects with a numeric `t` are skipped.
 */
export function readSystemSeries(file: string, maxPoints = MAX_SYSTEM_POINTS): SystemPoint[] {
  const points: SystemPoint[] = [];
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (line.trim() === '') continue;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      continue;
    }
    if (typeof value !== 'object' || value === null) continue;
    const point: Record<string, number> = {};
    for (const [key, field] of Object.entries(value)) if (typeof field === 'number' && Number.isFinite(field)) point[key] = field;
    if (typeof point.t === 'number') points.push(point as SystemPoint);
  }
  if (points.length <= maxPoints) return points;
  const step = (points.length - 1) / (maxPoints - 1);
  return Array.from({ length: maxPoints }, (_, i) => points[Math.round(i * step)] as SystemPoint);
}

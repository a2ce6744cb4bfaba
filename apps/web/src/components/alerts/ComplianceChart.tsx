'use client';
/** Compliance rate (masked people / people with a decided label) per camera over a day or a week, with uPlot. */
import { useEffect, useRef, useState } from 'react';
import type uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { complianceRate, type ComplianceResponse } from '@maskwatch/protocol/alerts';
import type { CameraView } from '@maskwatch/protocol/camera';
import { getCompliance } from '../../lib/alertsApi';
import styles from './Alerts.module.css';

const COLORS = ['#38bdf8', '#22c55e', '#f59e0b', '#a78bfa', '#f472b6', '#2dd4bf', '#fb7185', '#facc15'];
const DAY_MS = 24 * 3600 * 1000;

type Span = 'day' | 'week';

function startOfDay(date: string): number {
  const [y, m, d] = date.split('-').map(Number);
  return new Date(y ?? 1970, (m ?? 1) - 1, d ?? 1).getTime();
}

function today(): string {
  const now = new Date();
  return `${now.getFullYear()}-${String(now.getMonth() + 1).padStart(2, '0')}-${String(now.getDate()).padStart(2, '0')}`;
}

export function ComplianceChart({ cameras }: { cameras: readonly CameraView[] }) {
  const [span, setSpan] = useState<Span>('day');
  const [date, setDate] = useState(today);
  const [cameraId, setCameraId] = useState('');
  const [data, setData] = useState<ComplianceResponse | null>(null);
  const [error, setError] = useState<string | null>(null);
  const box = useRef<HTMLDivElement>(null);

  // A day ends on the chosen date; a week is the seven days that end on it.
  useEffect(() => {
    const end = startOfDay(date) + DAY_MS;
    const from = span === 'day' ? end - DAY_MS : end - 7 * DAY_MS;
    let cancelled = false;
    getCompliance(from, end, span === 'day' ? 15 : 60, cameraId || undefined)
      .then((response) => {
        if (!cancelled) {
          setData(response);
          setError(null);
        }
      })
      .catch((e: unknown) => !cancelled && setError(e instanceof Error ? e.message : String(e)));
    return () => {
      cancelled = true;
    };
  }, [span, date, cameraId]);

  useEffect(() => {
    const target = box.current;
    if (!target || !data || data.series.length === 0) return;
    let plot: uPlot | undefined;
    let cancelled = false;
    void import('uplot').then(({ default: UPlot }) => {
      if (cancelled) return;
      const step = data.bucketMinutes * 60_000;
      const xs: number[] = [];
      for (let t = Math.floor(data.from / step) * step; t < data.to; t += step) xs.push(t / 1000);
      const names = new Map(cameras.map((c) => [c.id, c.name]));
      const series: uPlot.Series[] = [{}];
      const columns: (number | null)[][] = [];
      data.series.forEach((s, i) => {
        const byT = new Map(s.points.map((p) => [p.t / 1000, complianceRate(p)]));
        columns.push(xs.map((x) => (byT.has(x) ? (byT.get(x) ?? null) : null)).map((v) => (v === null ? null : Math.round(v * 1000) / 10)));
        series.push({ label: names.get(s.cameraId) ?? s.cameraId, stroke: COLORS[i % COLORS.length], width: 2, spanGaps: false, points: { show: true, size: 4 } });
      });
      plot = new UPlot(
        {
          width: target.clientWidth || 800,
          height: 280,
          series,
          scales: { y: { range: [0, 100] } },
          axes: [
            { stroke: '#8b98a8', grid: { stroke: '#243040' } },
            { stroke: '#8b98a8', grid: { stroke: '#243040' }, values: (_u, ticks) => ticks.map((v) => `${v}%`) },
          ],
        },
        [xs, ...columns] as uPlot.AlignedData,
        target,
      );
    });
    return () => {
      cancelled = true;
      plot?.destroy();
    };
  }, [data, cameras]);

  const totals = data?.series.flatMap((s) => s.points).reduce(
    (acc, p) => ({ mask: acc.mask + p.mask, other: acc.other + p.noMask + p.incorrect, alerts: acc.alerts + p.alerts }),
    { mask: 0, other: 0, alerts: 0 },
  );

  return (
    <section className={styles.card} aria-label="Compliance" data-compliance-series={data?.series.length ?? ''}>
      <h2 className={styles.heading}>Compliance over time</h2>
      <div className={styles.row}>
        <div className={styles.field}>
          <label htmlFor="chart-camera">Camera</label>
          <select id="chart-camera" value={cameraId} onChange={(e) => setCameraId(e.target.value)}>
            <option value="">All cameras</option>
            {cameras.map((c) => (
              <option key={c.id} value={c.id}>
                {c.name}
              </option>
            ))}
          </select>
        </div>
        <div className={styles.field}>
          <label htmlFor="chart-span">Span</label>
          <select id="chart-span" value={span} onChange={(e) => setSpan(e.target.value as Span)}>
            <option value="day">Day (15 min)</option>
            <option value="week">Week (hourly)</option>
          </select>
        </div>
        <div className={styles.field}>
          <label htmlFor="chart-date">{span === 'day' ? 'Day' : 'Week ending'}</label>
          <input id="chart-date" type="date" value={date} onChange={(e) => e.target.value && setDate(e.target.value)} />
        </div>
        {totals && (
          <span className={styles.muted}>
            {totals.mask + totals.other === 0
              ? 'Nobody seen in this period.'
              : `${Math.round((totals.mask / (totals.mask + totals.other)) * 100)}% compliant · ${totals.mask + totals.other} people-minutes · ${totals.alerts} alerts`}
          </span>
        )}
      </div>
      {error && <p className={styles.error}>{error}</p>}
      <div ref={box} className={styles.chart} />
    </section>
  );
}

'use client';
/**
 * A line chart drawn with uPlot (canvas; made for streaming series). The x values are seconds since the epoch when
 * `time` (the default), or any ascending numbers (epochs). New data for the same series is applied with setData;
 * a different set of series builds the chart again. The container carries `data-points` (non-null values drawn).
 */
import { useEffect, useRef } from 'react';
import type uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import styles from './Dashboard.module.css';

export type ChartSeries = {
  label: string;
  colour: string;
  values: readonly (number | null)[];
  dash?: number[];
};

type Props = {
  title: string;
  x: readonly number[];
  series: readonly ChartSeries[];
  time?: boolean;
  /** Formats y values on the axis and in the legend. */
  format?: (value: number) => string;
  /** A fixed y range (e.g. [0, 100] for percentages); the data's own otherwise, from 0. */
  yRange?: [number, number];
  height?: number;
  xLabel?: string;
  empty?: string;
};

const AXIS = { stroke: '#8b98a8', grid: { stroke: '#243040', width: 1 }, ticks: { stroke: '#243040', width: 1 } };

export function TimeChart({ title, x, series, time = true, format, yRange, height = 200, xLabel, empty }: Props) {
  const box = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const shape = `${time}|${yRange?.join(',') ?? ''}|${series.map((s) => `${s.label}:${s.colour}:${s.dash?.join(',') ?? ''}`).join('|')}`;
  const data = [x as number[], ...series.map((s) => s.values as (number | null)[])] as uPlot.AlignedData;
  const points = series.reduce((n, s) => n + s.values.filter((v) => v !== null && Number.isFinite(v)).length, 0);
  const latest = useRef({ data, format });
  latest.current = { data, format };

  // Build the chart when its series change; uPlot is loaded in the browser only.
  useEffect(() => {
    const element = box.current;
    if (!element || series.length === 0) return;
    let cancelled = false;
    let observer: ResizeObserver | undefined;
    void import('uplot').then(({ default: UPlot }) => {
      if (cancelled) return;
      const fmt = (value: number | null) => (value === null || !Number.isFinite(value) ? '—' : (latest.current.format?.(value) ?? String(value)));
      const options: uPlot.Options = {
        width: Math.max(200, element.clientWidth),
        height,
        scales: {
          x: { time },
          y: yRange ? { range: yRange } : { range: (_u, min, max) => [Math.min(0, min), max > 0 ? max * 1.1 : 1] },
        },
        series: [
          time ? {} : { label: xLabel ?? 'x' },
          ...series.map((s) => ({ label: s.label, stroke: s.colour, width: 1.5, dash: s.dash, spanGaps: false, value: (_u: uPlot, v: number | null) => fmt(v) })),
        ],
        axes: [
          { ...AXIS, ...(xLabel ? { label: xLabel } : {}) },
          { ...AXIS, size: 78, values: (_u, values) => values.map((v) => fmt(v)) },
        ],
        legend: { live: true },
        cursor: { drag: { x: false, y: false } },
      };
      plot.current = new UPlot(options, latest.current.data, element);
      observer = new ResizeObserver(() => plot.current?.setSize({ width: Math.max(200, element.clientWidth), height }));
      observer.observe(element);
    });
    return () => {
      cancelled = true;
      observer?.disconnect();
      plot.current?.destroy();
      plot.current = null;
    };
    // `shape` stands for the series, range and axis (rebuild); data changes go through setData below.
  }, [shape, height]);

  useEffect(() => {
    plot.current?.setData(data);
  });

  return (
    <figure className={styles.chart} data-chart={title} data-points={points}>
      <figcaption className={styles.chartTitle}>{title}</figcaption>
      {series.length === 0 || points === 0 ? <p className={styles.muted}>{empty ?? 'No data yet.'}</p> : null}
      <div ref={box} className={styles.plot} hidden={series.length === 0} />
    </figure>
  );
}

'use client';
/** One training run, or two compared: charts and tables drawn from the run's recorded data. */
import { SystemPointSchema, type SystemPoint } from '@maskwatch/protocol/modelRuns';
import type { TrainingRun } from '@maskwatch/protocol/training';
import { colour, formatNumber } from '../lib/format';
import { ClassBars } from './ClassBars';
import { ConfusionMatrix } from './ConfusionMatrix';
import { TimeChart, type ChartSeries } from './TimeChart';
import styles from './Dashboard.module.css';

/** Line styles telling the runs apart: the first solid, the second dashed. */
const RUN_DASH = [undefined, [6, 4]] as const;

function systemSeries(run: TrainingRun): SystemPoint[] {
  const series = (run.system as { series?: unknown } | null | undefined)?.series;
  if (!Array.isArray(series)) return [];
  return series.flatMap((point) => {
    const parsed = SystemPointSchema.safeParse(point);
    return parsed.success ? [parsed.data] : [];
  });
}

/** Several runs' y values on one x axis (epochs, or minutes since start), gaps where a run has no value. */
function aligned(runs: readonly { x: number[]; y: (number | null)[] }[]): { x: number[]; ys: (number | null)[][] } {
  const xs = [...new Set(runs.flatMap((run) => run.x))].sort((a, b) => a - b);
  const index = new Map(xs.map((x, i) => [x, i]));
  const ys = runs.map((run) => {
    const out: (number | null)[] = new Array<number | null>(xs.length).fill(null);
    run.x.forEach((x, i) => {
      const at = index.get(x);
      if (at !== undefined) out[at] = run.y[i] ?? null;
    });
    return out;
  });
  return { x: xs, ys };
}

function curves(runs: readonly TrainingRun[], keys: readonly { key: 'trainLoss' | 'valLoss' | 'trainAcc' | 'valAcc'; label: string }[], scale = 1) {
  const lines = runs.flatMap((run) =>
    keys.map(({ key }) => ({ x: run.epochs.map((e) => e.epoch), y: run.epochs.map((e) => e[key] * scale) })),
  );
  const { x, ys } = aligned(lines);
  const series: ChartSeries[] = [];
  runs.forEach((run, r) =>
    keys.forEach(({ label }, k) => {
      series.push({
        label: runs.length > 1 ? `${label} (${r === 0 ? 'A' : 'B'})` : label,
        colour: colour(k),
        dash: RUN_DASH[r] ? [...(RUN_DASH[r] ?? [])] : undefined,
        values: ys[r * keys.length + k] ?? [],
      });
    }),
  );
  return { x, series };
}

/** System figures by unit: percentages, and memory in MB (cumulative disk counters left out). */
function usage(runs: readonly TrainingRun[], match: (key: string) => boolean) {
  const perRun = runs.map((run) => {
    const points = systemSeries(run);
    const start = points[0]?.t ?? 0;
    const keys = [...new Set(points.flatMap((p) => Object.keys(p)))].filter((key) => key !== 't' && match(key)).sort();
    return { points, start, keys };
  });
  const keys = [...new Set(perRun.flatMap((run) => run.keys))];
  const lines = perRun.flatMap((run) =>
    keys.map((key) => ({
      x: run.points.map((p) => Math.round(((p.t - run.start) / 60) * 100) / 100),
      y: run.points.map((p) => p[key] ?? null),
    })),
  );
  const { x, ys } = aligned(lines);
  const series: ChartSeries[] = [];
  perRun.forEach((_, r) =>
    keys.forEach((key, k) => {
      series.push({
        label: runs.length > 1 ? `${key} (${r === 0 ? 'A' : 'B'})` : key,
        colour: colour(k),
        dash: RUN_DASH[r] ? [...(RUN_DASH[r] ?? [])] : undefined,
        values: ys[r * keys.length + k] ?? [],
      });
    }),
  );
  return { x, series };
}

export function RunDetail({ runs }: { runs: readonly TrainingRun[] }) {
  const loss = curves(runs, [
    { key: 'trainLoss', label: 'train loss' },
    { key: 'valLoss', label: 'val loss' },
  ]);
  const accuracy = curves(
    runs,
    [
      { key: 'trainAcc', label: 'train acc' },
      { key: 'valAcc', label: 'val acc' },
    ],
    100,
  );
  const percent = usage(runs, (key) => /percent/i.test(key));
  const memory = usage(runs, (key) => /mb$/i.test(key) && !/disk/i.test(key));
  const paramKeys = [...new Set(runs.flatMap((run) => Object.keys(run.params)))].sort();
  const show = (value: unknown) => (value === undefined ? '—' : typeof value === 'string' ? value : JSON.stringify(value));

  return (
    <div className={styles.main} style={{ padding: 0 }} data-run-detail={runs.map((run) => run.id).join(' ')}>
      {runs.length > 1 && (
        <p className={styles.muted}>
          A: {runs[0]?.id} (solid) · B: {runs[1]?.id} (dashed)
        </p>
      )}
      <section className={styles.charts} aria-label="Learning curves">
        <TimeChart title="Loss" x={loss.x} series={loss.series} time={false} xLabel="epoch" format={(v) => v.toFixed(3)} />
        <TimeChart title="Accuracy" x={accuracy.x} series={accuracy.series} time={false} xLabel="epoch" format={(v) => `${v.toFixed(1)} %`} />
      </section>

      <section className={styles.card} aria-label="Per-class metrics">
        <h2 className={styles.heading}>Per-class metrics (validation)</h2>
        <div className={styles.twoColumns}>
          {runs.map((run, r) =>
            run.final ? (
              <div key={run.id}>
                {runs.length > 1 && <h3 className={styles.subheading}>{r === 0 ? 'A' : 'B'}: {run.id}</h3>}
                <ClassBars perClass={run.final.perClass} labels={run.final.labels} />
                <table className={styles.table}>
                  <thead>
                    <tr>
                      <th>Class</th>
                      <th className={styles.num}>Precision</th>
                      <th className={styles.num}>Recall</th>
                      <th className={styles.num}>F1</th>
                      <th className={styles.num}>Support</th>
                    </tr>
                  </thead>
                  <tbody>
                    {run.final.labels.map((label) => {
                      const m = run.final?.perClass[label];
                      return (
                        <tr key={label}>
                          <td>{label}</td>
                          <td className={styles.num}>{formatNumber(m?.precision, 3)}</td>
                          <td className={styles.num}>{formatNumber(m?.recall, 3)}</td>
                          <td className={styles.num}>{formatNumber(m?.f1, 3)}</td>
                          <td className={styles.num}>{m?.support ?? '—'}</td>
                        </tr>
                      );
                    })}
                  </tbody>
                </table>
              </div>
            ) : (
              <p key={run.id} className={styles.muted}>
                {run.id}: no final evaluation ({run.status}).
              </p>
            ),
          )}
        </div>
      </section>

      <section className={styles.card} aria-label="Confusion matrix">
        <h2 className={styles.heading}>Confusion matrix</h2>
        <div className={styles.twoColumns}>
          {runs.map((run, r) =>
            run.final ? (
              <div key={run.id}>
                {runs.length > 1 && <h3 className={styles.subheading}>{r === 0 ? 'A' : 'B'}: {run.id}</h3>}
                <ConfusionMatrix labels={run.final.labels} matrix={run.final.confusion} />
              </div>
            ) : null,
          )}
        </div>
      </section>

      <section className={styles.charts} aria-label="System usage">
        <TimeChart title="System usage: CPU and RAM (%)" x={percent.x} series={percent.series} time={false} xLabel="minutes" format={(v) => `${v.toFixed(0)} %`} empty="This run recorded no system usage over time." />
        <TimeChart title="System usage: memory (MB)" x={memory.x} series={memory.series} time={false} xLabel="minutes" format={(v) => `${v.toFixed(0)} MB`} empty="This run recorded no memory over time." />
      </section>

      <section className={styles.card} aria-label="Parameters">
        <h2 className={styles.heading}>Parameters</h2>
        <div className={styles.tableWrap}>
          <table className={styles.table}>
            <thead>
              <tr>
                <th>Parameter</th>
                {runs.map((run, r) => (
                  <th key={run.id}>{runs.length > 1 ? `${r === 0 ? 'A' : 'B'}: ${run.id}` : run.id}</th>
                ))}
              </tr>
            </thead>
            <tbody>
              {paramKeys.map((key) => {
                const values = runs.map((run) => show(run.params[key]));
                const differs = new Set(values).size > 1;
                return (
                  <tr key={key}>
                    <td className={styles.mono}>{key}</td>
                    {values.map((value, i) => (
                      <td key={i} className={styles.mono} style={differs ? { color: 'var(--connecting)' } : undefined}>
                        {value}
                      </td>
                    ))}
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      </section>
    </div>
  );
}

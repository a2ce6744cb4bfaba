/** Precision, recall and F1 per class as horizontal bars (SVG), scaled from 0.8 so that differences show. */
import { colour } from '../lib/format';

type PerClass = Record<string, { precision: number; recall: number; f1: number; support: number }>;

const METRICS = ['precision', 'recall', 'f1'] as const;
const ROW = 14;
const GAP = 10;
const LEFT = 90;
const WIDTH = 420;
const FLOOR = 0.8;

export function ClassBars({ perClass, labels }: { perClass: PerClass; labels: readonly string[] }) {
  const height = labels.length * (METRICS.length * ROW + GAP) + 20;
  const scale = (value: number) => Math.max(0, ((Math.max(FLOOR, Math.min(1, value)) - FLOOR) / (1 - FLOOR)) * (WIDTH - LEFT - 120));
  return (
    <svg viewBox={`0 0 ${WIDTH} ${height}`} width="100%" role="img" aria-label="Per-class precision, recall and F1" data-class-bars={labels.length}>
      {labels.map((label, i) => {
        const top = i * (METRICS.length * ROW + GAP);
        return (
          <g key={label} transform={`translate(0, ${top})`}>
            <text x={0} y={ROW * 1.8} fill="#e6edf3" fontSize={12}>
              {label}
            </text>
            {METRICS.map((metric, m) => {
              const value = perClass[label]?.[metric] ?? 0;
              return (
                <g key={metric} transform={`translate(${LEFT}, ${m * ROW})`}>
                  <rect width={scale(value)} height={ROW - 3} fill={colour(m)} rx={2} />
                  <text x={scale(value) + 4} y={ROW - 4} fill="#8b98a8" fontSize={10}>
                    {metric} {value.toFixed(3)}
                  </text>
                </g>
              );
            })}
          </g>
        );
      })}
      <text x={LEFT} y={height - 4} fill="#8b98a8" fontSize={10}>
        bars start at {FLOOR}
      </text>
    </svg>
  );
}

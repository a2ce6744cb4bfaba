import type { Alert } from '@maskwatch/protocol/alerts';
import { alertSnapshotUrl } from '@maskwatch/protocol/alerts';

const COLUMNS = [
  'id',
  'raised_at',
  'camera_id',
  'camera_name',
  'track_id',
  'label',
  'confidence',
  'first_seen_at',
  'resolved_at',
  'ended_at',
  'reminders',
  'acknowledged_by',
  'acknowledged_at',
  'acknowledgement_note',
  'model',
  'model_sha256',
  'node_id',
  'latency_ms',
  'box',
  'snapshot_url',
] as const;

const iso = (ms: number | null): string => (ms === null ? '' : new Date(ms).toISOString());

/** One CSV field: quoted when needed; a leading = + - @ is defused so that a spreadsheet never runs it. */
function field(value: string | number): string {
  let text = String(value);
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

export function csvHeader(): string {
  return `${COLUMNS.join(',')}\r\n`;
}

export function csvRow(alert: Alert): string {
  const values: (string | number)[] = [
    alert.id,
    iso(alert.raisedAt),
    alert.cameraId,
    alert.cameraName,
    alert.trackId,
    alert.label,
    alert.confidence.toFixed(3),
    iso(alert.firstSeenAt),
    iso(alert.resolvedAt),
    iso(alert.endedAt),
    alert.reminders,
    alert.acknowledged?.by ?? '',
    iso(alert.acknowledged?.at ?? null),
    alert.acknowledged?.note ?? '',
    alert.model.name,
    alert.model.sha256,
    alert.nodeId ?? '',
    Math.round(alert.latencyMs),
    alert.box.map((v) => Math.round(v)).join(' '),
    alert.snapshot ? alertSnapshotUrl(alert.id) : '',
  ];
  return `${values.map(field).join(',')}\r\n`;
}

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
  'time_zone',
] as const;

/** Formatters by time zone (making one is slow; an export writes thousands of times). */
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let format = formatters.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      fractionalSecondDigits: 3,
      timeZoneName: 'longOffset',
    });
    formatters.set(timeZone, format);
  }
  return format;
}

/**
 * ISO 8601 in `timeZone` with its offset (`2026-12-02T15:03:22.120+01:00`): a spreadsheet shows the local time, and
 * the offset keeps the instant unambiguous. UTC ends in `Z`.
 */
export function isoInZone(ms: number, timeZone: string): string {
  if (timeZone === 'UTC') return new Date(ms).toISOString();
  const parts: Record<string, string> = {};
  for (const part of formatterFor(timeZone).formatToParts(ms)) parts[part.type] = part.value;
  // longOffset is "GMT+01:00", or "GMT" where the offset is zero.
  const offset = (parts.timeZoneName ?? 'GMT').replace('GMT', '') || '+00:00';
  return `${parts.year}-${parts.month}-${parts.day}T${parts.hour}:${parts.minute}:${parts.second}.${parts.fractionalSecond}${offset}`;
}

/** One CSV field: quoted when needed; a leading = + - @ is defused so that a spreadsheet never runs it. */
function field(value: string | number): string {
  let text = String(value);
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

export function csvHeader(): string {
  return `${COLUMNS.join(',')}\r\n`;
}

/** One alert; its times in `timeZone` (an IANA name, checked by the query schema), which the last column names. */
export function csvRow(alert: Alert, timeZone = 'UTC'): string {
  const iso = (ms: number | null): string => (ms === null ? '' : isoInZone(ms, timeZone));
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
    timeZone,
  ];
  return `${values.map(field).join(',')}\r\n`;
}

/**
 * Times as the console shows them: in the browser's time zone, always with the zone named, so a screenshot or a
 * note copied from the console says which clock it was read on.
 */

/** The browser's IANA time zone (`Europe/Berlin`). */
export function timeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone;
}

/** The zone's offset from UTC at `ms`, as `UTC+01:00` (`UTC` where it is zero). */
export function utcOffset(ms: number = Date.now(), zone: string = timeZone()): string {
  const part = new Intl.DateTimeFormat('en-US', { timeZone: zone, timeZoneName: 'longOffset' })
    .formatToParts(ms)
    .find((p) => p.type === 'timeZoneName');
  const offset = (part?.value ?? 'GMT').replace('GMT', '');
  return offset === '' || offset === '+00:00' ? 'UTC' : `UTC${offset}`;
}

/** "Europe/Berlin (UTC+01:00)": the label beside time columns and filters. */
export function zoneLabel(ms: number = Date.now(), zone: string = timeZone()): string {
  return `${zone} (${utcOffset(ms, zone)})`;
}

/** "14:03:22 CET": a time of day with the zone's short name. */
export function formatTime(ms: number, zone?: string): string {
  return new Date(ms).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', second: '2-digit', timeZoneName: 'short', ...(zone ? { timeZone: zone } : {}) });
}

/** "02/12/2026, 14:03:22 CET": date and time with the zone's short name. */
export function formatDateTime(ms: number, zone?: string): string {
  return new Date(ms).toLocaleString([], { dateStyle: 'short', timeStyle: 'medium', ...(zone ? { timeZone: zone } : {}) }) + ` ${shortZone(ms, zone)}`;
}

function shortZone(ms: number, zone?: string): string {
  const part = new Intl.DateTimeFormat('en-US', { timeZoneName: 'short', ...(zone ? { timeZone: zone } : {}) })
    .formatToParts(ms)
    .find((p) => p.type === 'timeZoneName');
  return part?.value ?? '';
}

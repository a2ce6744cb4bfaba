import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AlertCsvQuerySchema } from '@maskwatch/protocol/alerts';
import { csvHeader, isoInZone } from './alertsCsv.ts';

// 2026-01-15 13:04:05.678 UTC (winter) and 2026-07-15 13:04:05.678 UTC (summer).
const WINTER = Date.UTC(2026, 0, 15, 13, 4, 5, 678);
const SUMMER = Date.UTC(2026, 6, 15, 13, 4, 5, 678);

test('CSV times: local time in the asked zone with its offset, daylight saving included; UTC ends in Z', () => {
  assert.equal(isoInZone(WINTER, 'UTC'), '2026-01-15T13:04:05.678Z');
  assert.equal(isoInZone(WINTER, 'Europe/Berlin'), '2026-01-15T14:04:05.678+01:00');
  assert.equal(isoInZone(SUMMER, 'Europe/Berlin'), '2026-07-15T15:04:05.678+02:00');
  assert.equal(isoInZone(WINTER, 'America/New_York'), '2026-01-15T08:04:05.678-05:00');
  assert.equal(isoInZone(WINTER, 'Asia/Kolkata'), '2026-01-15T18:34:05.678+05:30');
  assert.equal(isoInZone(WINTER, 'Europe/London'), '2026-01-15T13:04:05.678+00:00');
  // The same instant whatever the zone.
  for (const zone of ['Europe/Berlin', 'America/New_York', 'Asia/Kolkata', 'Europe/London'])
    assert.equal(Date.parse(isoInZone(SUMMER, zone)), SUMMER, zone);
  assert.match(csvHeader(), /,time_zone\r\n$/);
});

test('the export refuses a time zone it does not know, and defaults to UTC', () => {
  assert.equal(AlertCsvQuerySchema.parse({}).tz, 'UTC');
  assert.equal(AlertCsvQuerySchema.parse({ tz: 'Europe/Berlin' }).tz, 'Europe/Berlin');
  const bad = AlertCsvQuerySchema.safeParse({ tz: 'Mars/Olympus' });
  assert.equal(bad.success, false);
  assert.equal(bad.error?.issues[0]?.path.join('.'), 'tz');
});

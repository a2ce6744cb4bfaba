import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatDateTime, formatTime, utcOffset, zoneLabel } from './time.ts';

const WINTER = Date.UTC(2026, 0, 15, 13, 4, 5);
const SUMMER = Date.UTC(2026, 6, 15, 13, 4, 5);

test('every time shown names its zone; the label gives the offset of that day', () => {
  assert.equal(utcOffset(WINTER, 'Europe/Berlin'), 'UTC+01:00');
  assert.equal(utcOffset(SUMMER, 'Europe/Berlin'), 'UTC+02:00');
  assert.equal(utcOffset(WINTER, 'UTC'), 'UTC');
  assert.equal(zoneLabel(WINTER, 'Asia/Kolkata'), 'Asia/Kolkata (UTC+05:30)');
  // The hour's format follows the browser's locale (13:04 or 1:04 PM); the zone is always named.
  assert.match(formatTime(WINTER, 'UTC'), /\b(13|0?1):04:05\b.*UTC/);
  assert.match(formatDateTime(WINTER, 'America/New_York'), /\b0?8:04:05\b.*EST/);
  assert.match(formatDateTime(SUMMER, 'America/New_York'), /\b0?9:04:05\b.*EDT/);
});

import { z } from 'zod';
import {
  AckManyRequestSchema,
  AckRequestSchema,
  AlertCsvQuerySchema,
  AlertIdSchema,
  AlertQuerySchema,
  ComplianceQuerySchema,
  UpdateAlertSettingsSchema,
  type AckManyResponse,
  type AlertListResponse,
  type AlertResponse,
  type ComplianceResponse,
} from '@maskwatch/protocol/alerts';
import { CameraIdSchema } from '@maskwatch/protocol/camera';
import { MaskwatchError } from '@maskwatch/protocol/errors';
import type { AlertService } from '../../alerts/AlertService.ts';
import type { AuditLog } from '../../auth/AuditLog.ts';
import type { Caller } from '../../auth/Caller.ts';
import { defineRoute, type Route } from '../Route.ts';
import { csvHeader, csvRow } from './alertsCsv.ts';

/** Rows one CSV export may hold. */
const CSV_MAX_ROWS = 100_000;

const ById = z.object({ id: AlertIdSchema });
/** An alert's snapshot never changes; the URL dies with the alert. */
const IMAGE_HEADERS = { 'cache-control': 'private, max-age=86400, immutable' };

/**
 * The alerts REST API. Every input goes through its protocol schema; snapshot files are found by alert id (a row
 * lookup), never by a path taken from the request. Operators read and acknowledge (as their signed-in account, into
 * the audit log); admins change settings.
 */
export function alertRoutes(alerts: AlertService, audit: AuditLog): Route[] {
  /** Acknowledges as the signed-in caller; each alert that changes gets an audit entry. */
  const acknowledge = (ids: string[], caller: Caller, note: string): ReturnType<AlertService['acknowledge']> => {
    const user = caller.user;
    if (!user) throw new MaskwatchError('unauthorized', 'sign in to acknowledge alerts');
    const result = alerts.acknowledge(ids, user.username, note);
    for (const alert of result.alerts) {
      if (!result.already.includes(alert.id))
        audit.record(caller, 'alert.acknowledge', alert.id, { camera: alert.cameraName, label: alert.label, note });
    }
    return result;
  };

  const image = (which: 'snapshot' | 'thumbnail') =>
    defineRoute({
      method: 'GET',
      path: `/api/alerts/:id/${which}.jpg`,
      access: 'operator',
      summary: `an alert's ${which} (JPEG)`,
      params: ById,
      handler: async ({ params }) => ({
        bytes: Buffer.from(await alerts.image(params.id, which)),
        contentType: 'image/jpeg',
        headers: IMAGE_HEADERS,
      }),
    });

  return [
    defineRoute({
      method: 'GET',
      path: '/api/alerts',
      access: 'operator',
      summary: 'alerts, newest first, filtered (camera, label, time range, acknowledged), a page at a time',
      query: AlertQuerySchema,
      handler: ({ query }) => {
        const body: AlertListResponse = alerts.list(query);
        return { body };
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/api/alerts.csv',
      access: 'operator',
      summary: 'every alert matching the filters, as CSV (times in ?tz=, an IANA time zone; default UTC)',
      query: AlertCsvQuerySchema,
      handler: ({ query }) => {
        const { tz, ...filters } = query;
        const lines = [csvHeader()];
        let page = alerts.list({ ...filters, limit: 200 });
        for (;;) {
          for (const alert of page.alerts) {
            if (lines.length > CSV_MAX_ROWS) break;
            lines.push(csvRow(alert, tz));
          }
          if (!page.next || lines.length > CSV_MAX_ROWS) break;
          page = alerts.list({ ...filters, limit: 200, cursor: page.next });
        }
        const day = new Date().toISOString().slice(0, 10);
        return {
          bytes: Buffer.from(lines.join(''), 'utf8'),
          contentType: 'text/csv; charset=utf-8',
          headers: { 'content-disposition': `attachment; filename="maskwatch-alerts-${day}.csv"` },
        };
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/api/alerts/:id',
      access: 'operator',
      summary: 'one alert',
      params: ById,
      handler: ({ params }) => {
        const body: AlertResponse = { alert: alerts.get(params.id) };
        return { body };
      },
    }),
    image('snapshot'),
    image('thumbnail'),
    defineRoute({
      method: 'POST',
      path: '/api/alerts/:id/ack',
      access: 'operator',
      summary: 'acknowledge an alert as the signed-in account, with a note',
      params: ById,
      body: AckRequestSchema,
      handler: ({ params, body: input, caller }) => {
        const current = alerts.get(params.id);
        if (current.acknowledged) {
          throw new MaskwatchError(
            'conflict',
            `alert ${params.id} was acknowledged by ${current.acknowledged.by} at ${new Date(current.acknowledged.at).toISOString()}`,
          );
        }
        const {
          alerts: [alert],
        } = acknowledge([params.id], caller, input.note);
        const body: AlertResponse = { alert: alert ?? alerts.get(params.id) };
        return { body };
      },
    }),
    defineRoute({
      method: 'POST',
      path: '/api/alerts/ack',
      access: 'operator',
      summary: 'acknowledge several alerts at once as the signed-in account (all ids must exist, or nothing changes)',
      body: AckManyRequestSchema,
      handler: ({ body: input, caller }) => {
        const { alerts: acked, already } = acknowledge(input.ids, caller, input.note);
        const body: AckManyResponse = { alerts: acked, alreadyAcknowledged: already };
        return { body };
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/api/alert-settings',
      access: 'operator',
      summary: "every camera's alert settings",
      handler: () => ({ body: { settings: alerts.listSettings() } }),
    }),
    defineRoute({
      method: 'PUT',
      path: '/api/alert-settings/:cameraId',
      access: 'admin',
      summary: "change a camera's alert settings (cooldown, reminders, console speech)",
      params: z.object({ cameraId: CameraIdSchema }),
      body: UpdateAlertSettingsSchema,
      handler: ({ params, body: changes }) => ({ body: { settings: alerts.updateSettings(params.cameraId, changes) } }),
    }),
    defineRoute({
      method: 'GET',
      path: '/api/compliance',
      access: 'operator',
      summary: 'compliance rate per camera over time (faces seen by label, alerts raised)',
      query: ComplianceQuerySchema,
      handler: ({ query }) => {
        const body: ComplianceResponse = alerts.compliance(query);
        return { body };
      },
    }),
  ];
}

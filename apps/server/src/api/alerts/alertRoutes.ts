import {
  AckManyRequestSchema,
  AckRequestSchema,
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
import { MaskwatchError, parseOrThrow } from '@maskwatch/protocol/errors';
import type { AlertService } from '../../alerts/AlertService.ts';
import type { ApiRoute } from '../ApiRoute.ts';
import { readJsonBody } from '../readJsonBody.ts';
import { csvHeader, csvRow } from './alertsCsv.ts';
import { pathParam, queryObject, sendJson } from './respond.ts';

/** Rows one CSV export may hold. */
const CSV_MAX_ROWS = 100_000;

/**
 * The alerts REST API. Every input goes through its protocol schema; snapshot files are found by alert id (a row
 * lookup), never by a path taken from the request.
 *   GET  /api/alerts                  ?cameraId&label&from&to&acknowledged&cursor&limit -> { alerts, next }
 *   GET  /api/alerts.csv              same filters, every matching alert as CSV
 *   GET  /api/alerts/:id              -> { alert }
 *   GET  /api/alerts/:id/snapshot.jpg, /api/alerts/:id/thumbnail.jpg
 *   POST /api/alerts/:id/ack          { by, note } -> { alert } (409 if acknowledged before)
 *   POST /api/alerts/ack              { ids, by, note } -> { alerts, alreadyAcknowledged }
 *   GET  /api/alert-settings          -> { settings: [...] } (every camera)
 *   PUT  /api/alert-settings/:cameraId  partial settings -> { settings }
 *   GET  /api/compliance              ?cameraId&from&to&bucketMinutes -> { series }
 */
export function alertRoutes(alerts: AlertService): ApiRoute[] {
  const alertId = (params: Record<string, string>) => parseOrThrow(AlertIdSchema, pathParam(params, 'id'), 'alert id');
  const image =
    (which: 'snapshot' | 'thumbnail'): ApiRoute['handle'] =>
    async (req, res, params) => {
      const bytes = await alerts.image(alertId(params), which);
      res.writeHead(200, {
        'content-type': 'image/jpeg',
        'content-length': bytes.byteLength,
        // An alert's snapshot never changes; the URL dies with the alert.
        'cache-control': 'private, max-age=86400, immutable',
        'x-content-type-options': 'nosniff',
      });
      res.end(req.method === 'HEAD' ? undefined : bytes);
    };

  return [
    {
      method: 'GET',
      path: '/api/alerts',
      handle: (_req, res, _params, url) => {
        const query = parseOrThrow(AlertQuerySchema, queryObject(url), 'alert filters');
        const body: AlertListResponse = alerts.list(query);
        sendJson(res, 200, body);
      },
    },
    {
      method: 'GET',
      path: '/api/alerts.csv',
      handle: (req, res, _params, url) => {
        const query = parseOrThrow(AlertQuerySchema, queryObject(url), 'alert filters');
        // Parsed (and the first page read) before the status goes out: a bad filter is still a clear 400.
        let page = alerts.list({ ...query, limit: 200 });
        const day = new Date().toISOString().slice(0, 10);
        res.writeHead(200, {
          'content-type': 'text/csv; charset=utf-8',
          'content-disposition': `attachment; filename="maskwatch-alerts-${day}.csv"`,
          'cache-control': 'no-store',
        });
        if (req.method === 'HEAD') return void res.end();
        res.write(csvHeader());
        let rows = 0;
        for (;;) {
          for (const alert of page.alerts) {
            if (rows++ >= CSV_MAX_ROWS) break;
            res.write(csvRow(alert));
          }
          if (!page.next || rows >= CSV_MAX_ROWS) break;
          page = alerts.list({ ...query, limit: 200, cursor: page.next });
        }
        res.end();
      },
    },
    {
      method: 'GET',
      path: '/api/alerts/:id',
      handle: (_req, res, params) => {
        const body: AlertResponse = { alert: alerts.get(alertId(params)) };
        sendJson(res, 200, body);
      },
    },
    { method: 'GET', path: '/api/alerts/:id/snapshot.jpg', handle: image('snapshot') },
    { method: 'GET', path: '/api/alerts/:id/thumbnail.jpg', handle: image('thumbnail') },
    {
      method: 'POST',
      path: '/api/alerts/:id/ack',
      handle: async (req, res, params) => {
        const id = alertId(params);
        const input = parseOrThrow(AckRequestSchema, await readJsonBody(req), 'acknowledgement');
        const current = alerts.get(id);
        if (current.acknowledged) {
          throw new MaskwatchError(
            'conflict',
            `alert ${id} was acknowledged by ${current.acknowledged.by} at ${new Date(current.acknowledged.at).toISOString()}`,
          );
        }
        const { alerts: [alert] } = alerts.acknowledge([id], input.by, input.note);
        const body: AlertResponse = { alert: alert ?? alerts.get(id) };
        sendJson(res, 200, body);
      },
    },
    {
      method: 'POST',
      path: '/api/alerts/ack',
      handle: async (req, res) => {
        const input = parseOrThrow(AckManyRequestSchema, await readJsonBody(req), 'acknowledgement');
        const { alerts: acked, already } = alerts.acknowledge(input.ids, input.by, input.note);
        const body: AckManyResponse = { alerts: acked, alreadyAcknowledged: already };
        sendJson(res, 200, body);
      },
    },
    {
      method: 'GET',
      path: '/api/alert-settings',
      handle: (_req, res) => sendJson(res, 200, { settings: alerts.listSettings() }),
    },
    {
      method: 'PUT',
      path: '/api/alert-settings/:cameraId',
      handle: async (req, res, params) => {
        const cameraId = parseOrThrow(CameraIdSchema, pathParam(params, 'cameraId'), 'camera id');
        const changes = parseOrThrow(UpdateAlertSettingsSchema, await readJsonBody(req), 'alert settings');
        sendJson(res, 200, { settings: alerts.updateSettings(cameraId, changes) });
      },
    },
    {
      method: 'GET',
      path: '/api/compliance',
      handle: (_req, res, _params, url) => {
        const query = parseOrThrow(ComplianceQuerySchema, queryObject(url), 'compliance query');
        const body: ComplianceResponse = alerts.compliance(query);
        sendJson(res, 200, body);
      },
    },
  ];
}

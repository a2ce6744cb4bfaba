import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import BetterSqlite3 from 'better-sqlite3';
import {
  ALERT_SENTENCES,
  AlertListResponseSchema,
  ComplianceResponseSchema,
  type Alert,
  type AlertEvent,
  type AlertResponse,
  type AlertSay,
  type AlertSettings,
} from '@maskwatch/protocol/alerts';
import { AuditListResponseSchema } from '@maskwatch/protocol/auth';
import type { CameraResponse, ErrorResponse } from '@maskwatch/protocol/http';
import { decodeImage } from '@maskwatch/vision/image/decodeImage';
import { apiAs, connectViewer, joinedCamera } from './support/auth.ts';
import { call, nextEvent, waitFor, type ClientSocket } from './support/client.ts';
import { dbSnapshot } from './support/dbSnapshot.ts';
import { ResultFeed } from './support/resultFeed.ts';
import { startTestServer, type TestServer } from './support/server.ts';

/** Reads one alert row straight from the SQLite file, beside the running server (WAL). */
function rowInFile(dbPath: string, id: string): unknown {
  const db = new BetterSqlite3(dbPath, { readonly: true, fileMustExist: true });
  try {
    return db.prepare('SELECT id, ack_by FROM alerts WHERE id = ?').get(id);
  } finally {
    db.close();
  }
}

describe('alerts: rule → snapshot → database → push, REST, restart', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'maskwatch-alerts-'));
  let server: TestServer;
  let feed: ResultFeed;
  let viewer: ClientSocket;
  let cameraPage: ClientSocket;
  let cameraId: string;
  let raised: Alert;
  const pushes: { to: 'viewer' | 'camera'; event: AlertEvent; rowStored: boolean }[] = [];
  /** `alert:say` and `alert:raised` in the order each connection got them. */
  const order: string[] = [];

  // An admin's session (settings need one; reading and acknowledging need any signed-in user).
  const get = async (path: string) => (await apiAs(server, 'admin'))(path);
  const send = async (method: string, path: string, body: unknown, type = 'application/json') =>
    (await apiAs(server, 'admin'))(path, {
      method,
      headers: { 'content-type': type },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });

  before(async () => {
    feed = await ResultFeed.create();
    server = await startTestServer({ dataDir, env: { MASKWATCH_ALERT_COOLDOWN_S: '0' } });
    server.internals.alerts.attach(feed);
    viewer = await connectViewer(server, 'operator');
    const { recent } = await call(viewer, 'alerts:subscribe', { recent: 5 });
    assert.deepEqual(recent, []);
    ({ socket: cameraPage, cameraId } = await joinedCamera(server, 'Door'));
    for (const [to, socket] of [
      ['viewer', viewer],
      ['camera', cameraPage],
    ] as const) {
      for (const name of ['alert:raised', 'alert:updated'] as const) {
        socket.on(name, (event: AlertEvent) => {
          pushes.push({ to, event, rowStored: rowInFile(server.dbPath, event.alert.id) !== undefined });
          if (name === 'alert:raised') order.push(`${to} raised ${event.alert.id}`);
        });
      }
      socket.on('alert:say', (say: AlertSay) => order.push(`${to} say ${say.alertId} ${say.announce.sentence}`));
    }
  });
  after(async () => {
    viewer?.close();
    cameraPage?.close();
    await server?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  test('a person without a mask for 6 s: one alert, stored with its snapshot before the push, told to viewer and camera page', async () => {
    const pushed = nextEvent(viewer, 'alert:raised');
    const toCamera = nextEvent(cameraPage, 'alert:raised');
    // 30 frames at 5 fps (capture times up to now), one person, voted no_mask; a masked person beside.
    feed.play(cameraId, 30, () => [
      { trackId: 1, label: 'no_mask' },
      { trackId: 2, label: 'mask' },
    ]);
    const event = await pushed;
    raised = event.alert;
    assert.equal(event.change, 'raised');
    assert.deepEqual(event.announce, { label: 'no_mask', sentence: ALERT_SENTENCES.no_mask, console: false });
    assert.equal((await toCamera).alert.id, raised.id);
    assert.equal(raised.cameraId, cameraId);
    assert.equal(raised.cameraName, 'Door');
    assert.equal(raised.trackId, 1);
    assert.equal(raised.label, 'no_mask');
    assert.deepEqual(raised.model, { name: 'cnn-fp32', sha256: 'e'.repeat(64) });
    assert.equal(raised.nodeId, 'test-node');
    assert.ok(raised.latencyMs >= 0 && raised.firstSeenAt <= raised.raisedAt);
    assert.ok(raised.snapshot && raised.snapshot.bytes > 1000);
    assert.ok(pushes.every((p) => p.rowStored), 'every push found its row already in the database file');
    // The camera page was told first, before the snapshot and the database write; only that page.
    assert.equal(order[0], `camera say ${raised.id} ${ALERT_SENTENCES.no_mask}`);
    assert.deepEqual(order.slice(1).sort(), [`camera raised ${raised.id}`, `viewer raised ${raised.id}`]);

    const list = AlertListResponseSchema.parse(await (await get('/api/alerts')).json());
    assert.deepEqual(
      list.alerts.map((a) => a.id),
      [raised.id],
      'one alert for the person, not one per frame',
    );

    const jpeg = await get(`/api/alerts/${raised.id}/snapshot.jpg`);
    assert.equal(jpeg.status, 200);
    assert.equal(jpeg.headers.get('content-type'), 'image/jpeg');
    const image = await decodeImage(new Uint8Array(await jpeg.arrayBuffer()));
    assert.deepEqual([image.width, image.height], [raised.frame.width, raised.frame.height]);
    const thumb = await decodeImage(new Uint8Array(await (await get(`/api/alerts/${raised.id}/thumbnail.jpg`)).arrayBuffer()));
    assert.equal(thumb.width, 128);
  });

  test('putting the mask on resolves it; the same person later gets no second alert', async () => {
    const resolved = nextEvent(viewer, 'alert:updated', (e) => e.change === 'resolved');
    feed.play(cameraId, 5, () => [{ trackId: 1, label: 'mask' }]);
    const event = await resolved;
    assert.equal(event.alert.id, raised.id);
    assert.ok(event.alert.resolvedAt !== null);
    assert.equal(event.announce, null);
    const list = AlertListResponseSchema.parse(await (await get('/api/alerts')).json());
    assert.equal(list.alerts.length, 1);
  });

  test('bad filters, unknown ids and traversal attempts get clear 4xx and change nothing', async () => {
    const before = dbSnapshot(server.dbPath);
    const cases: [string, string, number, string][] = [
      ['GET', '/api/alerts?label=mask', 400, 'label'],
      ['GET', '/api/alerts?from=yesterday', 400, 'from'],
      ['GET', '/api/alerts?from=200&to=100', 400, 'to'],
      ['GET', '/api/alerts?limit=5000', 400, 'limit'],
      ['GET', '/api/alerts?acknowledged=maybe', 400, 'acknowledged'],
      ['GET', '/api/alerts?cursor=bm9wZQ', 400, 'cursor'],
      ['GET', '/api/alerts?cursor=../../x', 400, 'cursor'],
      ['GET', '/api/alerts?camera=x', 400, '(root)'],
      ['GET', '/api/alerts?label=no_mask&label=incorrect', 400, ''],
      ['GET', '/api/alerts.csv?label=nope', 400, 'label'],
      ['GET', '/api/alerts.csv?tz=Mars%2FOlympus', 400, 'tz'],
      ['GET', '/api/alerts/al_ffffffffffffffff', 404, ''],
      ['GET', '/api/alerts/al_ffffffffffffffff/snapshot.jpg', 404, ''],
      ['GET', '/api/alerts/nope', 400, ''],
      ['GET', '/api/alerts/..%2F..%2Fmaskwatch.db/snapshot.jpg', 400, ''],
      // The client resolves %2e%2e as .. (to /api/snapshot.jpg): no such route.
      ['GET', '/api/alerts/%2e%2e/snapshot.jpg', 404, ''],
      ['GET', `/api/alerts/${raised.id}%2F..%2F..%2Fmaskwatch.db/snapshot.jpg`, 400, ''],
      ['GET', `/api/alerts/${raised.id}/..%2F..%2Fmaskwatch.db`, 404, ''],
      ['GET', `/api/alerts/${raised.id}/snapshot.png`, 404, ''],
      ['GET', '/api/alerts/%E0%A4%A/snapshot.jpg', 400, ''],
      ['DELETE', `/api/alerts/${raised.id}`, 405, ''],
      ['GET', '/api/compliance?from=0', 400, 'to'],
      ['GET', '/api/compliance?from=0&to=99999999999', 400, 'to'],
      ['GET', '/api/compliance?from=0&to=86400000&bucketMinutes=0', 400, 'bucketMinutes'],
    ];
    for (const [method, path, status, field] of cases) {
      const res = await (await apiAs(server, 'admin'))(path, { method });
      assert.equal(res.status, status, `${method} ${path}`);
      const body = (await res.json()) as ErrorResponse;
      assert.ok(body.error.message.length > 0, `${path} says why`);
      if (field) assert.ok(body.error.issues?.some((i) => i.path === field), `${path} names ${field}: ${JSON.stringify(body)}`);
    }
    const posts: [string, unknown, number][] = [
      // Who acknowledges is the signed-in account: a name in the body is refused, not taken.
      [`/api/alerts/${raised.id}/ack`, { by: 'Ana', note: 'someone else' }, 400],
      [`/api/alerts/${raised.id}/ack`, { note: 'x'.repeat(501) }, 400],
      [`/api/alerts/${raised.id}/ack`, { note: 'x', extra: true }, 400],
      [`/api/alerts/${raised.id}/ack`, 'not json', 400],
      ['/api/alerts/al_ffffffffffffffff/ack', {}, 404],
      ['/api/alerts/ack', { ids: [raised.id, 'al_ffffffffffffffff'] }, 404],
      ['/api/alerts/ack', { ids: [] }, 400],
      ['/api/alerts/ack', { ids: ['../x'] }, 400],
    ];
    for (const [path, body, status] of posts) {
      const res = await send('POST', path, body);
      assert.equal(res.status, status, `POST ${path} ${JSON.stringify(body)}`);
    }
    assert.equal((await send('PUT', `/api/alert-settings/${cameraId}`, { cooldownSeconds: -1 })).status, 400);
    assert.equal((await send('PUT', `/api/alert-settings/${cameraId}`, {})).status, 400);
    assert.equal((await send('PUT', '/api/alert-settings/cam_nothere', { consoleSpeaks: true })).status, 404);
    assert.deepEqual(dbSnapshot(server.dbPath), before);
  });

  test('acknowledge one (then 409), many with a note, as the signed-in accounts (audited); filters and CSV export see it', async () => {
    // A second person, elsewhere in the picture, so that there are two alerts.
    const second = nextEvent(viewer, 'alert:raised');
    feed.play(cameraId, 10, () => [{ trackId: 5, label: 'incorrect', box: [700, 60, 840, 230] }]);
    const other = (await second).alert;
    assert.equal(other.label, 'incorrect');

    const acked = nextEvent(viewer, 'alert:updated', (e) => e.change === 'acknowledged' && e.alert.id === raised.id);
    // An operator acknowledges the first, the admin both (the first keeps the operator's acknowledgement).
    const asOperator = await apiAs(server, 'operator');
    const res = await asOperator(`/api/alerts/${raised.id}/ack`, { method: 'POST', json: { note: 'spoke to him' } });
    assert.equal(res.status, 200);
    const { alert } = (await res.json()) as AlertResponse;
    assert.equal(alert.acknowledged?.by, 'operator');
    assert.equal(alert.acknowledged?.note, 'spoke to him');
    assert.equal((await acked).alert.acknowledged?.by, 'operator');
    assert.equal((await send('POST', `/api/alerts/${raised.id}/ack`, {})).status, 409);

    const unacked = AlertListResponseSchema.parse(await (await get('/api/alerts?acknowledged=false')).json());
    assert.deepEqual(
      unacked.alerts.map((a) => a.id),
      [other.id],
    );
    const many = await send('POST', '/api/alerts/ack', { ids: [raised.id, other.id], note: 'shift end' });
    assert.equal(many.status, 200);
    const manyBody = (await many.json()) as { alerts: Alert[]; alreadyAcknowledged: string[] };
    assert.deepEqual(manyBody.alreadyAcknowledged, [raised.id]);
    assert.equal(manyBody.alerts.find((a) => a.id === other.id)?.acknowledged?.by, 'admin');
    assert.equal(manyBody.alerts.find((a) => a.id === raised.id)?.acknowledged?.by, 'operator');
    // Each acknowledgement is in the audit log under the account that made it (the one already made is not again).
    const audit = AuditListResponseSchema.parse(await (await get('/api/audit?limit=50')).json());
    const acks = audit.entries.filter((e) => e.action === 'alert.acknowledge');
    assert.deepEqual(
      acks.map((e) => [e.actor, e.target]),
      [
        ['admin', other.id],
        ['operator', raised.id],
      ],
    );
    assert.equal(acks[1]?.detail?.note, 'spoke to him');

    const byLabel = AlertListResponseSchema.parse(
      await (await get(`/api/alerts?label=incorrect&cameraId=${cameraId}&acknowledged=true`)).json(),
    );
    assert.deepEqual(
      byLabel.alerts.map((a) => a.id),
      [other.id],
    );
    const paged = AlertListResponseSchema.parse(await (await get('/api/alerts?limit=1')).json());
    assert.equal(paged.alerts[0]?.id, other.id);
    assert.ok(paged.next);
    const rest = AlertListResponseSchema.parse(await (await get(`/api/alerts?limit=1&cursor=${paged.next}`)).json());
    assert.deepEqual(
      rest.alerts.map((a) => a.id),
      [raised.id],
    );
    assert.equal(rest.next, null);

    const csv = await get(`/api/alerts.csv?cameraId=${cameraId}&tz=Asia%2FKolkata`);
    assert.equal(csv.status, 200);
    assert.match(csv.headers.get('content-disposition') ?? '', /attachment; filename="maskwatch-alerts-/);
    const lines = (await csv.text()).trim().split('\r\n');
    assert.equal(lines.length, 3);
    assert.match(lines[0] ?? '', /^id,raised_at,camera_id,camera_name,track_id,label.*,time_zone$/);
    const row = lines.find((line) => line.startsWith(`${raised.id},`)) ?? '';
    assert.ok(row.includes(',operator,') && row.includes('spoke to him'), row);
    // Times in the asked zone, with its offset; the zone named in the last column.
    assert.ok(row.endsWith(',Asia/Kolkata'), row);
    const raisedAt = row.split(',')[1] ?? '';
    assert.match(raisedAt, /\+05:30$/);
    assert.equal(Date.parse(raisedAt), raised.raisedAt);
  });

  test('per-camera settings: the console speaks for this camera from now on', async () => {
    const res = await send('PUT', `/api/alert-settings/${cameraId}`, { consoleSpeaks: true, cooldownSeconds: 0 });
    assert.equal(res.status, 200);
    const { settings } = (await res.json()) as { settings: AlertSettings };
    assert.deepEqual(settings, { cameraId, cooldownSeconds: 0, reminderSeconds: 30, maxReminders: 2, consoleSpeaks: true });
    const all = (await (await get('/api/alert-settings')).json()) as { settings: AlertSettings[] };
    assert.deepEqual(all.settings, [settings]);
    const next = nextEvent(viewer, 'alert:raised');
    // A third person (the second one, still there a moment ago, stood further left: this is someone else).
    feed.play(cameraId, 10, () => [{ trackId: 9, label: 'no_mask', box: [1040, 60, 1180, 230] }]);
    assert.equal((await next).announce?.console, true);
  });

  test('acknowledgements, alerts, snapshots and compliance minutes survive a restart', async () => {
    const before = AlertListResponseSchema.parse(await (await get('/api/alerts')).json());
    assert.equal(before.alerts.length, 3);
    viewer.close();
    cameraPage.close();
    await server.close();
    server = await startTestServer({ dataDir });
    const after = AlertListResponseSchema.parse(await (await get('/api/alerts')).json());
    assert.deepEqual(after, before);
    assert.equal(after.alerts.find((a) => a.id === raised.id)?.acknowledged?.note, 'spoke to him');
    assert.equal((await get(`/api/alerts/${raised.id}/snapshot.jpg`)).status, 200);
    const now = Date.now();
    const compliance = ComplianceResponseSchema.parse(
      await (await get(`/api/compliance?from=${now - 3600_000}&to=${now + 60_000}&bucketMinutes=60`)).json(),
    );
    const points = compliance.series.find((s) => s.cameraId === cameraId)?.points ?? [];
    const sum = (key: 'mask' | 'noMask' | 'incorrect' | 'alerts') => points.reduce((n, p) => n + p[key], 0);
    assert.equal(sum('alerts'), 3);
    // People per minute, not frames: tracks 1 (no_mask, then mask), 2 (mask), 5 (incorrect), 9 (no_mask), each
    // counted once in every minute it was seen in (a run of 2-6 s may cross one minute boundary).
    assert.ok(sum('mask') >= 2 && sum('mask') <= 4, `mask ${sum('mask')}`);
    assert.ok(sum('noMask') >= 1 && sum('noMask') <= 3, `noMask ${sum('noMask')}`);
    assert.ok(sum('incorrect') >= 1 && sum('incorrect') <= 2, `incorrect ${sum('incorrect')}`);
    const camera = (await (await get(`/api/cameras/${cameraId}`)).json()) as CameraResponse;
    assert.equal(camera.camera.name, 'Door');
  });

  test('a snapshot the node no longer holds: the alert is stored and pushed without one', async () => {
    viewer = await connectViewer(server, 'operator');
    await call(viewer, 'alerts:subscribe', { recent: 0 });
    const gone = await ResultFeed.create();
    server.internals.alerts.attach({
      on: (e, l) => gone.on(e, l),
      off: (e, l) => gone.off(e, l),
      snapshot: () => Promise.reject(new Error('node gone')),
    });
    const next = nextEvent(viewer, 'alert:raised');
    gone.play(cameraId, 10, () => [{ trackId: 77, label: 'no_mask' }]);
    const { alert } = await next;
    assert.equal(alert.snapshot, null);
    assert.equal((await get(`/api/alerts/${alert.id}/snapshot.jpg`)).status, 404);
    await waitFor(() => rowInFile(server.dbPath, alert.id), 'the row');
  });

  test('a snapshot later than its 2 s: the alert is stored and pushed without it, then gets it (pushed as `snapshot`)', async () => {
    // Another camera: the person of the test before, on `cameraId`, is still in its cooldown.
    const { socket: hallPage, cameraId: hall } = await joinedCamera(server, 'Hall');
    after(() => hallPage.close());
    const slow = await ResultFeed.create();
    server.internals.alerts.attach({
      on: (e, l) => slow.on(e, l),
      off: (e, l) => slow.off(e, l),
      snapshot: (id, seq, box, blur) =>
        new Promise((resolve) => setTimeout(resolve, 2600)).then(() => slow.snapshot(id, seq, box, blur)),
    });
    const raisedNow = nextEvent(viewer, 'alert:raised');
    const attached = nextEvent(viewer, 'alert:updated', (e) => e.change === 'snapshot');
    slow.play(hall, 10, () => [{ trackId: 78, label: 'no_mask' }]);
    const { alert } = await raisedNow;
    assert.equal(alert.snapshot, null);
    assert.equal((await get(`/api/alerts/${alert.id}/snapshot.jpg`)).status, 404);
    const event = await attached;
    assert.equal(event.alert.id, alert.id);
    assert.equal(event.announce, null, 'nothing is said again');
    assert.ok(event.alert.snapshot && event.alert.snapshot.bytes > 1000);
    const jpeg = await get(`/api/alerts/${alert.id}/snapshot.jpg`);
    assert.equal(jpeg.status, 200);
    const image = await decodeImage(new Uint8Array(await jpeg.arrayBuffer()));
    assert.deepEqual([image.width, image.height], [alert.frame.width, alert.frame.height]);
    assert.equal((await get(`/api/alerts/${alert.id}/thumbnail.jpg`)).status, 200);
  });
});

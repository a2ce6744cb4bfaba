import type { IncomingMessage, ServerResponse } from 'node:http';
import { CameraIdSchema, CreateCameraSchema, UpdateCameraSchema } from '@maskwatch/protocol/camera';
import { HTTP_STATUS, MaskwatchError, parseOrThrow, type ErrorBody } from '@maskwatch/protocol/errors';
import type { CameraListResponse, CameraResponse, ErrorResponse, HealthResponse } from '@maskwatch/protocol/http';
import { PROTOCOL_VERSION } from '@maskwatch/protocol/version';
import type { CameraService } from '../cameras/CameraService.ts';
import { createLogger } from '../logger.ts';
import type { WorkerPool } from '../media/WorkerPool.ts';
import { matchRoute, type JsonRoute } from './JsonRoute.ts';
import { readJsonBody } from './readJsonBody.ts';

const log = createLogger('ApiServer');

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    'cache-control': 'no-store',
  });
  res.end(text);
}

function sendError(res: ServerResponse, error: ErrorBody, headers: Record<string, string> = {}): void {
  for (const [key, value] of Object.entries(headers)) res.setHeader(key, value);
  const body: ErrorResponse = { error };
  send(res, HTTP_STATUS[error.code], body);
}

/**
 * REST under /api: health and cameras. Every body is parsed with its protocol schema; changes go through
 * CameraService (which persists them and emits, so viewers get them over socket.io).
 */
export class ApiServer {
  readonly #cameras: CameraService;
  readonly #pool: WorkerPool;
  readonly #routes: readonly JsonRoute[];
  readonly #startedAt = Date.now();

  constructor(cameras: CameraService, pool: WorkerPool, routes: readonly JsonRoute[] = []) {
    this.#cameras = cameras;
    this.#pool = pool;
    this.#routes = routes;
  }

  /** Whether `url` belongs to the API (everything else goes to the pages). */
  static matches(pathname: string): boolean {
    return pathname === '/api' || pathname.startsWith('/api/');
  }

  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    try {
      await this.#route(req, res);
    } catch (error) {
      if (error instanceof MaskwatchError) {
        sendError(res, error.toBody());
        return;
      }
      log.error({ err: error, method: req.method, url: req.url }, 'request failed');
      if (!res.headersSent) sendError(res, { code: 'internal', message: 'internal error' });
      else res.destroy();
    }
  }

  async #route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const { pathname } = new URL(req.url ?? '/', 'http://localhost');
    const method = req.method ?? 'GET';
    const parts = pathname.split('/').filter(Boolean); // ['api', 'cameras', id?]
    const notAllowed = (allow: string) =>
      sendError(res, { code: 'bad_request', message: `${method} is not allowed on ${pathname}` }, { allow });

    if (parts.length === 2 && parts[1] === 'health') {
      if (method !== 'GET' && method !== 'HEAD') return notAllowed('GET');
      const body: HealthResponse = {
        ok: this.#pool.alive > 0,
        protocolVersion: PROTOCOL_VERSION,
        workers: { alive: this.#pool.alive, total: this.#pool.size },
        uptimeSeconds: Math.round((Date.now() - this.#startedAt) / 1000),
      };
      return send(res, body.ok ? 200 : 503, body);
    }
    if (parts[1] === 'cameras' && parts.length === 2) {
      if (method === 'GET') {
        const body: CameraListResponse = { cameras: this.#cameras.views() };
        return send(res, 200, body);
      }
      if (method === 'POST') {
        const input = parseOrThrow(CreateCameraSchema, await readJsonBody(req), 'camera');
        const camera = this.#cameras.create(input);
        const body: CameraResponse = { camera: this.#cameras.view(camera) };
        res.setHeader('location', `/api/cameras/${camera.id}`);
        return send(res, 201, body);
      }
      return notAllowed('GET, POST');
    }
    if (parts[1] === 'cameras' && parts.length === 3) {
      const id = parseOrThrow(CameraIdSchema, decodeURIComponent(parts[2] ?? ''), 'camera id');
      if (method === 'GET') {
        const body: CameraResponse = { camera: this.#cameras.viewOf(id) };
        return send(res, 200, body);
      }
      if (method === 'PATCH') {
        const changes = parseOrThrow(UpdateCameraSchema, await readJsonBody(req), 'camera update');
        const camera = this.#cameras.update(id, changes); // not_found when there is no such camera
        const body: CameraResponse = { camera: this.#cameras.view(camera) };
        return send(res, 200, body);
      }
      if (method === 'DELETE') {
        this.#cameras.remove(id);
        res.writeHead(204).end();
        return;
      }
      return notAllowed('GET, PATCH, DELETE');
    }
    for (const route of this.#routes) {
      const params = matchRoute(route, pathname);
      if (!params) continue;
      if (method !== route.method && !(method === 'HEAD' && route.method === 'GET')) return notAllowed(route.method);
      const query = new URL(req.url ?? '/', 'http://localhost').searchParams;
      return send(res, 200, await route.handle({ params, query }));
    }
    throw new MaskwatchError('not_found', `no API route ${method} ${pathname}`);
  }
}

import type { IncomingMessage } from 'node:http';
import type { z } from 'zod';
import type { Access } from '@maskwatch/protocol/auth';
import type { Caller } from '../auth/Caller.ts';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** What a handler answers: a JSON body, raw bytes (an image), or nothing (204). */
export type Reply =
  | { status?: number; body: unknown; headers?: Record<string, string> }
  | { status?: number; bytes: Buffer; contentType: string; headers?: Record<string, string> }
  | { status: 204; headers?: Record<string, string> };

export type RouteContext<P, Q, B> = {
  req: IncomingMessage;
  /** Path parameters (`:id`), percent-decoded and parsed with the route's `params` schema. */
  params: P;
  /** The query string parsed with the route's `query` schema (each key at most once). */
  query: Q;
  /** The JSON body parsed with the route's `body` schema (routes without one read no body). */
  body: B;
  caller: Caller;
};

type Out<S> = S extends z.ZodType ? z.output<S> : undefined;

/** One REST route: where it is, who may call it, what it accepts and what it does. */
export type Route = {
  method: HttpMethod;
  /** `/api/cameras/:id`: literal segments and `:name` parameters. */
  path: string;
  /** Checked before anything is parsed: `public`, `operator` (any signed-in user) or `admin`. */
  access: Access;
  /** One line for the route list (README, tests' failure messages). */
  summary: string;
  params?: z.ZodType;
  query?: z.ZodType;
  body?: z.ZodType;
  /**
   * Answered before anything else is looked at (no URL parsing beyond the path, no session lookup, no origin check,
   * no body): for public GETs that read no input and must stay quick under any load (`/api/health`).
   */
  immediate?: boolean;
  handler(ctx: RouteContext<unknown, unknown, unknown>): Reply | Promise<Reply>;
};

/**
 * Declares a route with its handler typed from its schemas:
 *
 *   defineRoute({ method: 'PATCH', path: '/api/cameras/:id', access: 'admin', summary: 'change a camera',
 *     params: z.object({ id: CameraIdSchema }), body: UpdateCameraSchema,
 *     handler: ({ params, body }) => ({ body: { camera: service.update(params.id, body) } }) });
 */
export function defineRoute<
  P extends z.ZodType | undefined = undefined,
  Q extends z.ZodType | undefined = undefined,
  B extends z.ZodType | undefined = undefined,
>(route: {
  method: HttpMethod;
  path: string;
  access: Access;
  summary: string;
  params?: P;
  query?: Q;
  body?: B;
  immediate?: boolean;
  handler(ctx: RouteContext<Out<P>, Out<Q>, Out<B>>): Reply | Promise<Reply>;
}): Route {
  return route as unknown as Route;
}

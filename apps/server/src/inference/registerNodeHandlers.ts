import { MaskwatchError, type ErrorBody } from '@maskwatch/protocol/errors';
import {
  isNodeRequestName,
  nodeRequests,
  type DecoderStatus,
  type NodeRequestName,
  type NodeResponseOf,
  type NodeStats,
  type ParsedNodeRequestOf,
} from '@maskwatch/protocol/inference';
import type { Ack } from '@maskwatch/protocol/signalling';
import { createLogger } from '../logger.ts';
import type { NodeLink, NodeSocket } from './NodeLink.ts';

const log = createLogger('registerNodeHandlers');

/** What the InferenceManager does with each node message; a throw becomes the error answer. */
export type NodeHandlers = {
  link(): NodeLink | undefined;
  hello(hello: ParsedNodeRequestOf<'node:hello'>): NodeResponseOf<'node:hello'>;
  results(payload: unknown): void;
  keyframe(cameraId: string): void;
  status(cameraId: string, status: DecoderStatus, detail: string | null): void;
  stats(stats: NodeStats): void;
  /** Any message arrived (the node is alive). */
  seen(): void;
};

function toErrorBody(error: unknown, event: string): ErrorBody {
  if (error instanceof MaskwatchError) return error.toBody();
  log.error({ err: error, event }, 'inference node message failed');
  return { code: 'internal', message: `${event} failed on the server` };
}

type LooseSocket = {
  on(event: string, listener: (...args: unknown[]) => void): unknown;
  onAny(listener: (event: unknown, ...args: unknown[]) => void): unknown;
};

/**
 * The `/inference` namespace's messages for one socket: each request is parsed with its schema from `nodeRequests`
 * and answered through its ack; `node:results` (no ack) is parsed and refused with a `server:error` push.
 */
export function registerNodeHandlers(socket: NodeSocket, handlers: NodeHandlers): void {
  const raw = socket as unknown as LooseSocket;
  const refuse = (event: string, error: ErrorBody) => socket.emit('server:error', { ...error, event });

  const handle = <N extends NodeRequestName>(name: N, run: (payload: ParsedNodeRequestOf<N>) => NodeResponseOf<N>) => {
    raw.on(name, (...args: unknown[]) => {
      const ack = args.at(-1);
      if (typeof ack !== 'function' || args.length !== 2) {
        refuse(name, { code: 'bad_request', message: `${name} takes one payload and an acknowledgement` });
        return;
      }
      const reply = (answer: Ack<NodeResponseOf<N>>) => (ack as (answer: unknown) => void)(answer);
      try {
        if (name !== 'node:hello' && !handlers.link()) throw new MaskwatchError('bad_request', 'send node:hello first');
        const parsed = nodeRequests[name].request.safeParse(args[0]);
        if (!parsed.success) throw MaskwatchError.fromZod(parsed.error, `${name} payload`);
        reply({ ok: true, data: run(parsed.data as ParsedNodeRequestOf<N>) });
      } catch (error) {
        reply({ ok: false, error: toErrorBody(error, name) });
      }
    });
  };

  raw.onAny((event: unknown) => {
    handlers.seen();
    const name = String(event);
    if (name === 'node:results' || isNodeRequestName(name)) return;
    refuse(name.slice(0, 64), { code: 'unknown_event', message: `unknown event "${name.slice(0, 64)}"` });
  });

  handle('node:hello', (hello) => handlers.hello(hello));
  handle('node:keyframe', ({ cameraId }) => {
    handlers.keyframe(cameraId);
    return {};
  });
  handle('node:status', ({ cameraId, status, detail }) => {
    handlers.status(cameraId, status, detail);
    return {};
  });
  handle('node:stats', (stats) => {
    handlers.stats(stats);
    return {};
  });
  handle('node:clock', () => ({ now: Date.now() }));

  raw.on('node:results', (...args: unknown[]) => {
    try {
      if (args.length !== 1) throw new MaskwatchError('bad_request', 'node:results takes one payload and no ack');
      handlers.results(args[0]);
    } catch (error) {
      refuse('node:results', toErrorBody(error, 'node:results'));
    }
  });
}

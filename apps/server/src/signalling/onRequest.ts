import { MaskwatchError, type ErrorBody } from '@maskwatch/protocol/errors';
import {
  clientRequests,
  MAX_SIGNALLING_PAYLOAD_BYTES,
  type Ack,
  type ClientRequestName,
  type ParsedRequestOf,
  type ResponseOf,
} from '@maskwatch/protocol/signalling';
import type { HandlerContext } from './context.ts';
import { mayRequest } from './requestAccess.ts';

export type RequestHandler<N extends ClientRequestName> = (
  ctx: HandlerContext,
  payload: ParsedRequestOf<N>,
) => Promise<ResponseOf<N>> | ResponseOf<N>;

type LooseSocket = { on(event: string, listener: (...args: unknown[]) => void): unknown };

/** Turns anything thrown into the error body of an ack; unexpected errors are logged and not leaked. */
export function toErrorBody(error: unknown, ctx: HandlerContext, event: string): ErrorBody {
  if (error instanceof MaskwatchError) return error.toBody();
  // mediasoup checks rtpParameters/dtlsParameters deeply and throws TypeError / UnsupportedError on bad input.
  if (error instanceof TypeError || (error instanceof Error && error.name === 'UnsupportedError')) {
    return { code: 'bad_request', message: `${event}: ${error.message}` };
  }
  if (error instanceof Error && error.name === 'InvalidStateError') {
    return { code: 'conflict', message: `${event}: ${error.message}` };
  }
  ctx.peer.log.error({ err: error, event }, 'request failed');
  return { code: 'internal', message: `${event} failed on the server` };
}

function payloadBytes(payload: unknown): number {
  try {
    return Buffer.byteLength(JSON.stringify(payload) ?? '');
  } catch {
    return Number.POSITIVE_INFINITY;
  }
}

/**
 * Spends one of the connection's request tokens. A client that keeps sending far past its limit is disconnected:
 * answering it would cost as much as the flood itself, and other clients must not feel it.
 */
export function takeToken(ctx: HandlerContext): boolean {
  if (ctx.peer.limiter.take()) return true;
  if (ctx.peer.limiter.flooding && ctx.socket.connected) {
    ctx.peer.log.warn('request flood: disconnecting');
    ctx.socket.emit('server:error', { code: 'rate_limited', message: 'too many requests: disconnected' });
    ctx.socket.disconnect(true);
  }
  return false;
}

/**
 * Registers `name`: the connection's rate limit and its access to `name` (REQUEST_ACCESS) are checked first, then
 * the payload is parsed with its schema from `clientRequests` before the handler sees it, and the
 * answer always goes through the ack as `Ack<T>`. A message without an ack function gets a `server:error` push.
 */
export function onRequest<N extends ClientRequestName>(ctx: HandlerContext, name: N, handler: RequestHandler<N>): void {
  const { socket } = ctx;
  (socket as unknown as LooseSocket).on(name, (...args: unknown[]) => {
    const ack = args.at(-1);
    if (!takeToken(ctx)) {
      // Over the limit: a short refusal when there is an ack to carry it, silence otherwise.
      if (typeof ack === 'function')
        (ack as (answer: unknown) => void)({ ok: false, error: { code: 'rate_limited', message: 'too many requests on this connection; slow down' } });
      return;
    }
    if (typeof ack !== 'function') {
      socket.emit('server:error', {
        code: 'bad_request',
        message: `${name} needs an acknowledgement callback`,
        event: name,
      });
      return;
    }
    const reply = (answer: Ack<ResponseOf<N>>) => (ack as (answer: unknown) => void)(answer);
    const fail = (error: ErrorBody) => reply({ ok: false, error });
    if (!mayRequest(ctx.peer.access, name)) {
      fail({ code: 'forbidden', message: `a ${ctx.peer.access === 'camera' ? 'camera' : ctx.peer.access} connection may not send ${name}` });
      return;
    }
    if (args.length !== 2) {
      fail({ code: 'bad_request', message: `${name} takes exactly one payload object and an ack` });
      return;
    }
    const payload = args[0];
    if (payloadBytes(payload) > MAX_SIGNALLING_PAYLOAD_BYTES) {
      fail({
        code: 'payload_too_large',
        message: `${name} payload is larger than ${MAX_SIGNALLING_PAYLOAD_BYTES} bytes`,
      });
      return;
    }
    const parsed = clientRequests[name].request.safeParse(payload);
    if (!parsed.success) {
      fail(MaskwatchError.fromZod(parsed.error, `${name} payload`).toBody());
      return;
    }
    Promise.resolve()
      .then(() => handler(ctx, parsed.data as ParsedRequestOf<N>))
      .then(
        (data) => reply({ ok: true, data }),
        (error: unknown) => fail(toErrorBody(error, ctx, name)),
      )
      .catch((error: unknown) => ctx.peer.log.error({ err: error, event: name }, 'ack threw'));
  });
}

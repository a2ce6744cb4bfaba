/**
 * "Send a request and parse its ack", once for every link: the browser's signalling (apps/web lib/signalling.ts), the
 * server's requests to an inference node (NodeLink) and the node's to the server (ServerLink). The answer is an
 * `Ack<T>` (signalling.ts); its data is parsed with the request's response schema, its error with ErrorBodySchema.
 * Each caller turns a failure into its own error class.
 */
import type { z } from 'zod';
import { ErrorBodySchema, type ErrorBody } from './errors.ts';

/** socket.io's emit with a timeout and an ack, as it is at run time on a server's and a client's socket. */
export type AckEmitter = {
  timeout(ms: number): { emit(event: string, payload: unknown, ack: (err: Error | null, answer: unknown) => void): void };
};

/** Why a request got no usable answer: none in time, a refusal (the other side's error), or an answer that does not parse. */
export type AckFailure =
  | { kind: 'timeout'; message: string }
  | { kind: 'refused'; error: ErrorBody }
  | { kind: 'malformed'; message: string };

export type AckResult<T> = { ok: true; data: T } | { ok: false; failure: AckFailure };

/** Emits `event` with `payload` and resolves (never rejects) with the parsed answer or why there is none. */
export function requestAck<S extends z.ZodType>(
  socket: AckEmitter,
  event: string,
  payload: unknown,
  response: S,
  timeoutMs: number,
): Promise<AckResult<z.output<S>>> {
  return new Promise((resolve) => {
    socket.timeout(timeoutMs).emit(event, payload, (err, answer) => {
      if (err) {
        resolve({ ok: false, failure: { kind: 'timeout', message: `${event}: no answer within ${timeoutMs} ms` } });
        return;
      }
      const ack = answer as { ok?: unknown; data?: unknown; error?: unknown } | null;
      if (ack?.ok === true) {
        const parsed = response.safeParse(ack.data);
        resolve(
          parsed.success
            ? { ok: true, data: parsed.data }
            : {
                ok: false,
                failure: { kind: 'malformed', message: `${event}: malformed answer (${parsed.error.issues[0]?.message ?? 'invalid'})` },
              },
        );
        return;
      }
      const error = ErrorBodySchema.safeParse(ack?.error);
      resolve(
        error.success
          ? { ok: false, failure: { kind: 'refused', error: error.data } }
          : { ok: false, failure: { kind: 'malformed', message: `${event}: malformed error answer` } },
      );
    });
  });
}

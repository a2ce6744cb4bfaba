/**
 * Typed request helper over socket.io-client. Every ack and every push is parsed with the contract's schema:
 * the server is trusted no more than the browser is trusted by the server.
 */
import { io, type Socket } from 'socket.io-client';
import { ErrorBodySchema, type ErrorCode } from '@maskwatch/protocol/errors';
import { requestAck, type AckEmitter } from '@maskwatch/protocol/requestAck';
import {
  clientRequests,
  serverEvents,
  type ClientRequestName,
  type ClientToServerEvents,
  type HandshakeAuth,
  type RequestOf,
  type ResponseOf,
  type ServerEventName,
  type ServerEventPayload,
  type ServerToClientEvents,
} from '@maskwatch/protocol/signalling';
import { PROTOCOL_VERSION } from '@maskwatch/protocol/version';
import { redirectToLogin } from './session';

export type SignallingSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

const REQUEST_TIMEOUT_MS = 10_000;

/** A request that the server refused (its ack carried an error) or that never got an answer. */
export class SignallingError extends Error {
  override readonly name = 'SignallingError';
  constructor(
    readonly code: ErrorCode | 'timeout' | 'bad_response',
    message: string,
  ) {
    super(message);
  }
}

/**
 * Opens a socket to this page's own origin (pages, REST and socket.io share one server); the session cookie goes
 * with it. A viewer whose session is missing or ended goes to the login page; a camera passes its publish token.
 */
export function connectSignalling(role: HandshakeAuth['role'], token?: string): SignallingSocket {
  const auth: HandshakeAuth = { protocolVersion: PROTOCOL_VERSION, role, ...(token ? { token } : {}) };
  const socket: SignallingSocket = io({ auth, transports: ['websocket'], reconnectionDelayMax: 4000 });
  if (role === 'viewer') {
    socket.on('connect_error', (error) => {
      if (handshakeCode(error) === 'unauthorized') redirectToLogin();
    });
    onPush(socket, 'server:error', (error) => {
      if (error.code === 'unauthorized') redirectToLogin();
    });
  }
  return socket;
}

/** The error code a handshake was refused with (socket.io puts the server's `err.data` on the client's error). */
export function handshakeCode(error: Error): ErrorCode | undefined {
  const parsed = ErrorBodySchema.safeParse((error as Error & { data?: unknown }).data);
  return parsed.success ? parsed.data.code : undefined;
}

/** Sends one request and resolves with its parsed answer, or rejects with a SignallingError. */
export async function request<N extends ClientRequestName>(
  socket: SignallingSocket,
  name: N,
  payload: RequestOf<N>,
  timeoutMs = REQUEST_TIMEOUT_MS,
): Promise<ResponseOf<N>> {
  // socket.io's typed emit cannot follow a generic event name: the run-time shape (AckEmitter) is used.
  const answer = await requestAck(socket as unknown as AckEmitter, name, payload, clientRequests[name].response, timeoutMs);
  if (answer.ok) return answer.data as ResponseOf<N>;
  const { failure } = answer;
  if (failure.kind === 'refused') throw new SignallingError(failure.error.code, failure.error.message);
  throw new SignallingError(failure.kind === 'timeout' ? 'timeout' : 'bad_response', failure.message);
}

/** Subscribes to one server push; malformed payloads are dropped. Returns the unsubscribe function. */
export function onPush<N extends ServerEventName>(
  socket: SignallingSocket,
  name: N,
  listener: (payload: ServerEventPayload<N>) => void,
): () => void {
  const raw = socket as unknown as { on(e: string, l: (p: unknown) => void): void; off(e: string, l: (p: unknown) => void): void };
  const handler = (payload: unknown): void => {
    const parsed = serverEvents[name].safeParse(payload);
    if (parsed.success) listener(parsed.data as ServerEventPayload<N>);
  };
  raw.on(name, handler);
  return () => raw.off(name, handler);
}

export function describeError(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}

/** Delay before joining again after `unavailable` (no media worker yet, camera disabled): 1 s doubling to 10 s. */
export function unavailableRetryDelay(failures: number): number {
  return Math.min(10_000, 1000 * 2 ** Math.min(failures, 4));
}

/**
 * socket.io-client helpers typed with the protocol: `connect(url, role)` resolves once connected;
 * `request(socket, 'camera:join', { name })` resolves with the ack (`{ ok, data }` or `{ ok: false, error }`);
 * `nextEvent(socket, 'camera:state', (view) => view.status === 'live')` waits for a matching push.
 */
import { io, type ManagerOptions, type Socket, type SocketOptions } from 'socket.io-client';
import type {
  Ack,
  ClientRequestName,
  ClientToServerEvents,
  RequestOf,
  ResponseOf,
  ServerEventName,
  ServerEventPayload,
  ServerToClientEvents,
} from '@maskwatch/protocol/signalling';
import { PROTOCOL_VERSION } from '@maskwatch/protocol/version';

export type ClientSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/** `options` go to socket.io-client (e.g. `{ ca }` for a self-signed certificate). */
export function connect(
  url: string,
  role: 'camera' | 'viewer',
  auth: Record<string, unknown> = {},
  options: Partial<ManagerOptions & SocketOptions> = {},
): Promise<ClientSocket> {
  const socket: ClientSocket = io(url, {
    auth: { protocolVersion: PROTOCOL_VERSION, role, ...auth },
    transports: ['websocket'],
    reconnection: false,
    forceNew: true,
    ...options,
  });
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', (error) => {
      socket.close();
      reject(error);
    });
  });
}

export function request<N extends ClientRequestName>(
  socket: ClientSocket,
  name: N,
  payload: RequestOf<N>,
  timeoutMs = 10_000,
): Promise<Ack<ResponseOf<N>>> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${name}: no ack in ${timeoutMs} ms`)), timeoutMs);
    const emit = socket.emit.bind(socket) as unknown as (
      event: string,
      payload: unknown,
      ack: (answer: Ack<ResponseOf<N>>) => void,
    ) => void;
    emit(name, payload, (answer) => {
      clearTimeout(timer);
      resolve(answer);
    });
  });
}

/** Like `request`, but throws unless the answer is ok, returning its data. */
export async function call<N extends ClientRequestName>(
  socket: ClientSocket,
  name: N,
  payload: RequestOf<N>,
): Promise<ResponseOf<N>> {
  const answer = await request(socket, name, payload);
  if (!answer.ok) throw new Error(`${name} failed: ${answer.error.code}: ${answer.error.message}`);
  return answer.data;
}

export function nextEvent<N extends ServerEventName>(
  socket: ClientSocket,
  name: N,
  predicate: (payload: ServerEventPayload<N>) => boolean = () => true,
  timeoutMs = 15_000,
): Promise<ServerEventPayload<N>> {
  return new Promise((resolve, reject) => {
    const on = socket.on.bind(socket) as unknown as (
      event: string,
      fn: (payload: ServerEventPayload<N>) => void,
    ) => void;
    const off = socket.off.bind(socket) as unknown as (
      event: string,
      fn: (payload: ServerEventPayload<N>) => void,
    ) => void;
    const listener = (payload: ServerEventPayload<N>) => {
      if (!predicate(payload)) return;
      clearTimeout(timer);
      off(name, listener);
      resolve(payload);
    };
    const timer = setTimeout(() => {
      off(name, listener);
      reject(new Error(`no matching ${name} within ${timeoutMs} ms`));
    }, timeoutMs);
    on(name, listener);
  });
}

/** Polls `check` until it returns a truthy value (generous timeouts only: no timing assertions). */
export async function waitFor<T>(
  check: () => T | Promise<T>,
  what: string,
  timeoutMs = 20_000,
  everyMs = 100,
): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value) return value as NonNullable<T>;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

import { io, type Socket } from 'socket.io-client';
import { EnhancedEmitter } from '@maskwatch/common/EnhancedEmitter';
import { createLogger } from '@maskwatch/common/logger';
import { ErrorBodySchema, MaskwatchError, type ErrorBody } from '@maskwatch/protocol/errors';
import {
  INFERENCE_NAMESPACE,
  INFERENCE_PROTOCOL_VERSION,
  nodeRequests,
  serverToNodeEvents,
  serverToNodeRequests,
  type InferenceHandshakeAuth,
  type NodeToServerEvents,
  type NodeRequestName,
  type NodeRequestOf,
  type NodeResponseOf,
  type NodeResult,
  type ServerToNodeRequestName,
  type ServerToNodeRequestOf,
  type ServerToNodeEvents,
  type ServerToNodeResponseOf,
} from '@maskwatch/protocol/inference';
import { requestAck, type AckEmitter } from '@maskwatch/protocol/requestAck';
import type { Ack } from '@maskwatch/protocol/signalling';

const log = createLogger('ServerLink');

/** How the node answers each request of the server; a throw (a MaskwatchError) becomes the error answer. */
export type ServerRequestHandlers = {
  [N in ServerToNodeRequestName]: (
    payload: ServerToNodeRequestOf<N>,
  ) => Promise<ServerToNodeResponseOf<N>> | ServerToNodeResponseOf<N>;
};

export type ServerLinkEvents = {
  /** Hello answered: the server may now assign cameras. */
  ready: [];
  /** The connection is gone: the server has dropped this node's cameras. */
  lost: [reason: string];
};

export type ServerLinkOptions = {
  url: string;
  secret: string;
  nodeId: string;
  /** PEM of the server's certificate (a self-signed one) for https URLs. */
  ca?: string;
  hello: () => NodeRequestOf<'node:hello'>;
  handlers: ServerRequestHandlers;
  /** The link's waits (defaults in LINK_TIMING); tests pass shorter ones. */
  timing?: Partial<LinkTiming>;
};

export type LinkTiming = {
  /** A request without an answer in this long fails (`unavailable`). */
  requestTimeoutMs: number;
  /** How often the server's clock is sampled. */
  clockSyncMs: number;
  /** After the server ended the connection, connect again after this long (unless told not to). */
  reconnectAfterCloseMs: number;
  /** After a refused hello, try again after this long. */
  helloRetryMs: number;
};

export const LINK_TIMING: LinkTiming = { requestTimeoutMs: 5000, clockSyncMs: 10_000, reconnectAfterCloseMs: 1000, helloRetryMs: 3000 };

/** The server's requests arrive as untrusted arguments: each is parsed before a handler sees it. */
type InboundSocket = { on(event: string, listener: (...args: unknown[]) => void): unknown };


/**
 * The node's connection to the server's `/inference` namespace: the handshake with the shared secret, hello,
 * the server's requests (assign, release, snapshot) answered through their acks, results and stats sent, and the
 * server's clock followed (results carry capture times on it). Reconnects by itself, also after the server ended the
 * connection (a node it heard nothing from for too long), unless the server said another connection took its id.
 */
export class ServerLink extends EnhancedEmitter<ServerLinkEvents> {
  readonly #options: ServerLinkOptions;
  readonly #timing: LinkTiming;
  readonly #socket: Socket<ServerToNodeEvents, NodeToServerEvents>;
  #ready = false;
  /** Server clock minus node clock, ms, from the clock sample with the shortest round trip lately. */
  #offset = 0;
  #samples: { offset: number; rtt: number }[] = [];
  #clockTimer: NodeJS.Timeout | undefined;
  #closed = false;
  /** What the server said when it last ended the connection (`node:closed`). */
  #closedBy: { reason: string; reconnect: boolean } | undefined;

  constructor(options: ServerLinkOptions) {
    super();
    this.#options = options;
    this.#timing = { ...LINK_TIMING, ...options.timing };
    const auth: InferenceHandshakeAuth = {
      protocolVersion: INFERENCE_PROTOCOL_VERSION,
      secret: options.secret,
      nodeId: options.nodeId,
    };
    this.#socket = io(`${options.url.replace(/\/$/, '')}${INFERENCE_NAMESPACE}`, {
      auth,
      transports: ['websocket'],
      reconnectionDelay: 500,
      reconnectionDelayMax: 3000,
      ...(options.ca ? { ca: options.ca } : {}),
    });
    this.#socket.on('connect', () => void this.#hello());
    this.#socket.on('disconnect', (reason) => {
      this.#lose(`disconnected (${reason}${this.#closedBy ? `: ${this.#closedBy.reason}` : ''})`);
      // socket.io reconnects by itself except when the server ended the connection: then the node does, unless
      // the server said another connection took over this node id (two processes with one id would take turns).
      if (reason === 'io server disconnect' && !this.#closed) {
        if (this.#closedBy?.reconnect === false) {
          log.error({ reason: this.#closedBy.reason }, 'the server closed this node for good: not connecting again');
        } else {
          setTimeout(() => {
            if (!this.#closed && !this.#socket.connected) this.#socket.connect();
          }, this.#timing.reconnectAfterCloseMs).unref();
        }
      }
      this.#closedBy = undefined;
    });
    this.#socket.on('connect_error', (error: Error & { data?: unknown }) => {
      const body = ErrorBodySchema.safeParse(error.data);
      // A refusal (wrong secret, another protocol version) is worth a person's attention; a server still
      // starting is not.
      if (body.success) log.error({ code: body.data.code }, `the server refused this node: ${body.data.message}`);
      else log.debug({ err: error.message }, 'cannot reach the server yet');
    });
    this.#socket.on('server:error', (error) => log.warn({ error }, 'the server refused a message'));
    this.#socket.on('node:closed', (payload) => {
      const parsed = serverToNodeEvents['node:closed'].safeParse(payload);
      if (parsed.success) this.#closedBy = parsed.data;
    });
    for (const name of Object.keys(serverToNodeRequests) as ServerToNodeRequestName[]) this.#serve(name);
  }

  get ready(): boolean {
    return this.#ready;
  }

  /** Node clock (ms since epoch) to the server's. */
  toServerTime(nodeMs: number): number {
    return nodeMs + this.#offset;
  }

  get clockOffsetMs(): number {
    return this.#offset;
  }

  async request<N extends NodeRequestName>(name: N, payload: NodeRequestOf<N>): Promise<NodeResponseOf<N>> {
    if (!this.#socket.connected) throw new MaskwatchError('unavailable', 'not connected to the server');
    const answer = await requestAck(this.#socket as unknown as AckEmitter, name, payload, nodeRequests[name].response, this.#timing.requestTimeoutMs);
    if (answer.ok) return answer.data as NodeResponseOf<N>;
    const { failure } = answer;
    if (failure.kind === 'refused') throw new MaskwatchError(failure.error.code, failure.error.message);
    throw new MaskwatchError(failure.kind === 'timeout' ? 'unavailable' : 'internal', failure.message);
  }

  /** One analysed frame; dropped when not connected (a result is worth nothing later). */
  sendResult(result: NodeResult): void {
    if (this.#ready && this.#socket.connected) this.#socket.emit('node:results', result);
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    clearInterval(this.#clockTimer);
    this.#socket.disconnect();
    this.#ready = false;
    this.removeAllListeners();
  }

  async #hello(): Promise<void> {
    try {
      await this.request('node:hello', this.#options.hello());
      await this.#syncClock();
      this.#ready = true;
      clearInterval(this.#clockTimer);
      this.#clockTimer = setInterval(() => void this.#syncClock(), this.#timing.clockSyncMs);
      log.info({ url: this.#options.url, clockOffsetMs: Math.round(this.#offset) }, 'joined the server');
      this.safeEmit('ready');
    } catch (error) {
      log.error({ err: error }, 'hello refused; disconnecting');
      this.#socket.disconnect();
      // Try again later, as after any other lost connection.
      setTimeout(() => {
        if (!this.#closed) this.#socket.connect();
      }, this.#timing.helloRetryMs).unref();
    }
  }

  async #syncClock(): Promise<void> {
    try {
      const t0 = Date.now();
      const { now } = await this.request('node:clock', {});
      const t1 = Date.now();
      this.#samples.push({ offset: now - (t0 + t1) / 2, rtt: t1 - t0 });
      if (this.#samples.length > 6) this.#samples.shift();
      this.#offset = this.#samples.reduce((best, s) => (s.rtt < best.rtt ? s : best)).offset;
    } catch (error) {
      log.debug({ err: error }, 'clock sync failed');
    }
  }

  #lose(reason: string): void {
    clearInterval(this.#clockTimer);
    this.#samples = [];
    const wasReady = this.#ready;
    this.#ready = false;
    if (wasReady && !this.#closed) {
      log.warn({ reason }, 'lost the server');
      this.safeEmit('lost', reason);
    }
  }

  /** Answers the server's `name` requests with the handler's result, or its error as the ack's error. */
  #serve<N extends ServerToNodeRequestName>(name: N): void {
    (this.#socket as unknown as InboundSocket).on(name, (...args: unknown[]) => {
      const ack = args.at(-1);
      if (typeof ack !== 'function') return;
      const reply = (answer: Ack<ServerToNodeResponseOf<N>>) => (ack as (answer: unknown) => void)(answer);
      const fail = (error: ErrorBody) => reply({ ok: false, error });
      const parsed = serverToNodeRequests[name].request.safeParse(args[0]);
      if (!parsed.success) {
        fail(MaskwatchError.fromZod(parsed.error, `${name} payload`).toBody());
        return;
      }
      const handler = this.#options.handlers[name];
      Promise.resolve()
        .then(() => handler(parsed.data as ServerToNodeRequestOf<N>))
        .then(
          (data) => reply({ ok: true, data }),
          (error: unknown) => {
            if (!(error instanceof MaskwatchError)) log.error({ err: error, event: name }, 'request failed');
            fail(
              error instanceof MaskwatchError
                ? error.toBody()
                : { code: 'internal', message: error instanceof Error ? error.message : String(error) },
            );
          },
        );
    });
  }
}

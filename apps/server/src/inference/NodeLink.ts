import type { Socket } from 'socket.io';
import { ErrorBodySchema, MaskwatchError, type ErrorBody } from '@maskwatch/protocol/errors';
import {
  serverToNodeRequests,
  type NodeCapacity,
  type NodeStats,
  type ServerToNodeRequestName,
  type ServerToNodeRequestOf,
  type ServerToNodeResponseOf,
} from '@maskwatch/protocol/inference';
import { EnhancedEmitter } from '../EnhancedEmitter.ts';
import { createLogger, type Logger } from '../logger.ts';

export type NodeLinkEvents = {
  /** The connection ended (disconnect, timeout, replaced): its cameras must move. */
  close: [reason: string];
};

export type NodeInfo = {
  id: string;
  name: string;
  capacity: NodeCapacity;
  rtpHost: string;
  version: string;
};

// socket.io's emit with an ack and a timeout, as it is at run time.
type RawEmitter = {
  timeout(ms: number): { emit(event: string, payload: unknown, ack: (err: Error | null, answer: unknown) => void): void };
};

const REQUEST_TIMEOUT_MS = 5000;

/**
 * One connected inference node, after its hello: what it can take, which cameras it has, its latest stats, and the
 * requests the server sends it. The InferenceManager owns it and decides what its events mean.
 */
export class NodeLink extends EnhancedEmitter<NodeLinkEvents> {
  readonly info: NodeInfo;
  readonly log: Logger;
  /** Cameras assigned to this node (kept by the InferenceManager). */
  readonly cameras = new Set<string>();
  /** Last message of any kind from the node (server clock). */
  lastSeen = Date.now();
  stats: NodeStats | undefined;
  readonly #socket: Socket;
  #closed = false;

  constructor(socket: Socket, info: NodeInfo) {
    super();
    this.#socket = socket;
    this.info = info;
    this.log = createLogger('NodeLink', { nodeId: info.id });
    socket.on('disconnect', (reason) => this.#end(`disconnected (${reason})`));
  }

  get id(): string {
    return this.info.id;
  }

  get closed(): boolean {
    return this.#closed;
  }

  get hasRoom(): boolean {
    return this.cameras.size < this.info.capacity.maxCameras;
  }

  /** Sends a request and resolves with the node's parsed answer; rejects with a MaskwatchError. */
  request<N extends ServerToNodeRequestName>(
    name: N,
    payload: ServerToNodeRequestOf<N>,
    timeoutMs = REQUEST_TIMEOUT_MS,
  ): Promise<ServerToNodeResponseOf<N>> {
    if (this.#closed) return Promise.reject(new MaskwatchError('unavailable', `inference node ${this.id} is gone`));
    return new Promise((resolve, reject) => {
      (this.#socket as unknown as RawEmitter).timeout(timeoutMs).emit(name, payload, (err, answer) => {
        if (err) {
          reject(new MaskwatchError('unavailable', `inference node ${this.id}: no answer to ${name} within ${timeoutMs} ms`));
          return;
        }
        const ack = answer as { ok?: unknown; data?: unknown; error?: unknown } | null;
        if (ack?.ok === true) {
          const parsed = serverToNodeRequests[name].response.safeParse(ack.data);
          if (parsed.success) resolve(parsed.data as ServerToNodeResponseOf<N>);
          else reject(new MaskwatchError('internal', `inference node ${this.id}: malformed answer to ${name}`));
          return;
        }
        const error = ErrorBodySchema.safeParse(ack?.error);
        reject(
          error.success
            ? new MaskwatchError(error.data.code, `inference node ${this.id}: ${error.data.message}`)
            : new MaskwatchError('internal', `inference node ${this.id}: malformed error answer to ${name}`),
        );
      });
    });
  }

  /** Tells the node what it sent wrong (no ack exists for high-rate messages). */
  refuse(event: string, error: ErrorBody): void {
    if (!this.#closed) this.#socket.emit('server:error', { ...error, event });
  }

  /** Disconnects the node, telling it why and whether to connect again; `close` is emitted once. */
  close(reason: string, { reconnect = true }: { reconnect?: boolean } = {}): void {
    if (this.#closed) return;
    this.#socket.emit('node:closed', { reason, reconnect });
    this.#socket.disconnect(true);
    this.#end(reason);
  }

  #end(reason: string): void {
    if (this.#closed) return;
    this.#closed = true;
    this.log.warn({ reason, cameras: [...this.cameras] }, 'inference node left');
    this.safeEmit('close', reason);
    this.removeAllListeners();
  }
}

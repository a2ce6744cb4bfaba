import type { Namespace, Socket } from 'socket.io';
import { MaskwatchError, type ErrorBody } from '@maskwatch/protocol/errors';
import {
  serverToNodeRequests,
  type NodeCapacity,
  type NodeStats,
  type NodeToServerEvents,
  type ServerToNodeEvents,
  type ServerToNodeRequestName,
  type ServerToNodeRequestOf,
  type ServerToNodeResponseOf,
} from '@maskwatch/protocol/inference';
import { requestAck, type AckEmitter } from '@maskwatch/protocol/requestAck';
import { EnhancedEmitter } from '../EnhancedEmitter.ts';
import { createLogger, type Logger } from '../logger.ts';

export type NodeLinkEvents = {
  /** The connection ended (disconnect, timeout, replaced): its cameras must move. */
  close: [reason: string];
};

/** The `/inference` namespace and a node's socket on it, typed with the protocol's event maps. */
export type InferenceNamespace = Namespace<NodeToServerEvents, ServerToNodeEvents, Record<string, never>, NodeSocketData>;
export type NodeSocket = Socket<NodeToServerEvents, ServerToNodeEvents, Record<string, never>, NodeSocketData>;
/** Set by the handshake check: the node id it connected with. */
export type NodeSocketData = { nodeId: string };

export type NodeInfo = {
  id: string;
  name: string;
  capacity: NodeCapacity;
  rtpHost: string;
  version: string;
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
  readonly #socket: NodeSocket;
  #closed = false;

  constructor(socket: NodeSocket, info: NodeInfo) {
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
  async request<N extends ServerToNodeRequestName>(
    name: N,
    payload: ServerToNodeRequestOf<N>,
    timeoutMs = REQUEST_TIMEOUT_MS,
  ): Promise<ServerToNodeResponseOf<N>> {
    if (this.#closed) throw new MaskwatchError('unavailable', `inference node ${this.id} is gone`);
    const answer = await requestAck(this.#socket as unknown as AckEmitter, name, payload, serverToNodeRequests[name].response, timeoutMs);
    if (answer.ok) return answer.data as ServerToNodeResponseOf<N>;
    const { failure } = answer;
    if (failure.kind === 'refused') throw new MaskwatchError(failure.error.code, `inference node ${this.id}: ${failure.error.message}`);
    throw new MaskwatchError(failure.kind === 'timeout' ? 'unavailable' : 'internal', `inference node ${this.id}: ${failure.message}`);
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

import type { types } from 'mediasoup';
import type { Room } from '../media/Room.ts';
import { createLogger, type Logger } from '../logger.ts';
import { RateLimiter } from './RateLimiter.ts';
import type { SocketAccess, SocketPrincipal } from './SocketPrincipal.ts';

export type PeerRole = 'camera' | 'viewer';
export type TransportDirection = 'send' | 'recv';

/** Caps per peer, so one socket cannot exhaust a worker. */
export const PEER_LIMITS = { transports: 4, producers: 2, consumers: 64 } as const;

/** One socket.io connection and the mediasoup objects it created (it owns and closes them). */
export class Peer {
  readonly id: string;
  readonly role: PeerRole;
  /** Who is behind the socket (decided at the handshake) and so what it may request. */
  readonly principal: SocketPrincipal;
  readonly access: SocketAccess;
  readonly address: string;
  readonly limiter = new RateLimiter();
  readonly log: Logger;
  room: Room | undefined;
  /** For a camera peer after `camera:join`. */
  cameraId: string | undefined;
  readonly transports = new Map<string, { transport: types.WebRtcTransport; direction: TransportDirection }>();
  readonly producers = new Map<string, types.Producer>();
  readonly consumers = new Map<string, types.Consumer>();
  #closed = false;

  constructor(id: string, role: PeerRole, principal: SocketPrincipal, address = '') {
    this.id = id;
    this.role = role;
    this.principal = principal;
    this.address = address;
    if (role === 'viewer' && principal.kind !== 'user') throw new Error('a viewer connection needs a signed-in user');
    this.access = role === 'camera' ? 'camera' : principal.kind === 'user' ? principal.user.role : 'camera';
    const who = principal.kind === 'user' ? { userId: principal.user.id } : principal.kind === 'token' ? { tokenFor: principal.cameraId } : {};
    this.log = createLogger('Peer', { peerId: id, role, ...who });
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** Joins `room`; media created in another (or a closed) room is dropped first. */
  setRoom(room: Room): void {
    if (this.room !== room) this.closeMedia();
    this.room = room;
  }

  addTransport(transport: types.WebRtcTransport, direction: TransportDirection): void {
    this.transports.set(transport.id, { transport, direction });
    transport.observer.once('close', () => this.transports.delete(transport.id));
  }

  addProducer(producer: types.Producer): void {
    this.producers.set(producer.id, producer);
    producer.observer.once('close', () => this.producers.delete(producer.id));
  }

  addConsumer(consumer: types.Consumer): void {
    this.consumers.set(consumer.id, consumer);
    consumer.observer.once('close', () => this.consumers.delete(consumer.id));
    // The consumer closes itself when its producer goes; the viewer learns it from camera:state (hasVideo false).
    consumer.on('producerclose', () => consumer.close());
  }

  /** Closes what this peer publishes (its transports stay, for a camera it publishes next). */
  closeProducers(): void {
    for (const producer of [...this.producers.values()]) producer.close();
  }

  /** Closes transports (and with them producers and consumers). */
  closeMedia(): void {
    for (const { transport } of [...this.transports.values()]) transport.close();
    this.transports.clear();
    this.producers.clear();
    this.consumers.clear();
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.closeMedia();
    this.room = undefined;
  }
}

import type { types } from 'mediasoup';
import { EnhancedEmitter } from '../EnhancedEmitter.ts';
import { createLogger } from '../logger.ts';
import { Room } from './Room.ts';
import { WorkerPool } from './WorkerPool.ts';

const log = createLogger('MediaService');

export type MediaServiceOptions = {
  workers: number;
  announcedIps: string[];
  rtcMinPort: number;
  rtcMaxPort: number;
};

export type MediaServiceEvents = {
  /** A room closed (its worker died); everything on it is gone and its users must re-create it. */
  roomclose: [group: string];
};

/** Owns the worker pool and the rooms (one per camera group, created on demand on the next live worker). */
export class MediaService extends EnhancedEmitter<MediaServiceEvents> {
  readonly pool: WorkerPool;
  readonly #options: MediaServiceOptions;
  readonly #rooms = new Map<string, Promise<Room>>();
  readonly #open = new Set<Room>();
  #closed = false;

  private constructor(pool: WorkerPool, options: MediaServiceOptions) {
    super();
    this.pool = pool;
    this.#options = options;
  }

  static async create(options: MediaServiceOptions): Promise<MediaService> {
    return new MediaService(await WorkerPool.create({ size: options.workers }), options);
  }

  /**
   * The room of `group`. There is one group ('default') for now; viewers of another group's router would get
   * producers through `pipeToRouter` (see `pipeProducer`).
   */
  async getRoom(group = 'default'): Promise<Room> {
    const existing = this.#rooms.get(group);
    if (existing) {
      const room = await existing.catch(() => undefined);
      if (room && !room.closed) return room;
      if (this.#rooms.get(group) === existing) this.#rooms.delete(group);
      else return this.getRoom(group);
    }
    const creating = Room.create({ group, worker: this.pool.next(), ...this.#options });
    this.#rooms.set(group, creating);
    try {
      const room = await creating;
      if (this.#closed) {
        room.close();
        throw new Error('media service closed');
      }
      this.#open.add(room);
      room.on('close', () => {
        this.#open.delete(room);
        if (this.#closed) return;
        if (this.#rooms.get(group) === creating) this.#rooms.delete(group);
        log.warn({ group }, 'room closed');
        this.safeEmit('roomclose', group);
      });
      return room;
    } catch (error) {
      if (this.#rooms.get(group) === creating) this.#rooms.delete(group);
      throw error;
    }
  }

  /** Makes `producer` (living in `from`) consumable in `to`; a no-op within one router. */
  async pipeProducer(producer: types.Producer, from: Room, to: Room): Promise<void> {
    if (from.router === to.router) return;
    await from.router.pipeToRouter({ producerId: producer.id, router: to.router });
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const room of [...this.#open]) room.close();
    this.#rooms.clear();
    this.pool.close();
  }
}

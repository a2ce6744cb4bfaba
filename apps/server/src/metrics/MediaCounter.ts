import type { types } from 'mediasoup';
import type { WorkerPool } from '../media/WorkerPool.ts';

export type MediaCounts = {
  /** By the type of transport they live on: webrtc (browsers), plain (RTSP ingest, inference nodes), pipe. */
  transports: Record<string, number>;
  producers: Record<string, number>;
  consumers: Record<string, number>;
};

type Off = () => void;

/**
 * Counts the live mediasoup transports, producers and consumers of a worker pool, whoever created them (peers,
 * RTSP ingest, the inference manager), through mediasoup's observer events: exact, and free to read on a scrape.
 */
export class MediaCounter {
  readonly #counts: MediaCounts = { transports: {}, producers: {}, consumers: {} };
  readonly #offs: Off[] = [];
  #closed = false;

  constructor(pool: WorkerPool) {
    for (const worker of pool.workers) this.#watchWorker(worker);
    const onAdded = (worker: types.Worker) => this.#watchWorker(worker);
    pool.on('workeradded', onAdded);
    this.#offs.push(() => pool.off('workeradded', onAdded));
  }

  counts(): MediaCounts {
    return {
      transports: { ...this.#counts.transports },
      producers: { ...this.#counts.producers },
      consumers: { ...this.#counts.consumers },
    };
  }

  total(kind: keyof MediaCounts): number {
    return Object.values(this.#counts[kind]).reduce((sum, n) => sum + n, 0);
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const off of this.#offs.splice(0)) off();
  }

  #watchWorker(worker: types.Worker): void {
    const onRouter = (router: types.Router) => {
      router.observer.on('newtransport', (transport) => this.#watchTransport(transport));
    };
    worker.observer.on('newrouter', onRouter);
    this.#offs.push(() => worker.observer.off('newrouter', onRouter));
  }

  #watchTransport(transport: types.Transport): void {
    if (this.#closed) return;
    const type = transport.type;
    this.#count('transports', type, transport.observer);
    transport.observer.on('newproducer', (producer) => this.#count('producers', type, producer.observer));
    transport.observer.on('newconsumer', (consumer) => this.#count('consumers', type, consumer.observer));
  }

  #count(kind: keyof MediaCounts, type: string, observer: { once(event: 'close', listener: () => void): unknown }): void {
    if (this.#closed) return;
    const counts = this.#counts[kind];
    counts[type] = (counts[type] ?? 0) + 1;
    observer.once('close', () => {
      counts[type] = Math.max(0, (counts[type] ?? 1) - 1);
    });
  }
}

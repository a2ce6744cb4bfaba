/**
 * The server's clock as seen from this page. Results carry capture times on the server's clock; to find the result
 * of the video frame on screen, the page needs the offset between the two clocks. `sync` asks `clock:now` a few
 * times and keeps the sample with the shortest round trip (its error is at most half that round trip).
 */
import { request, type SignallingSocket } from './signalling';

export class ServerClock {
  /** Server clock minus this page's clock (ms). */
  offset = 0;
  #synced = false;

  get synced(): boolean {
    return this.#synced;
  }

  /** Server time now (ms since epoch). */
  now(): number {
    return Date.now() + this.offset;
  }

  /** The server time of a moment given on this page's performance clock. */
  fromPerformance(performanceMs: number): number {
    return performance.timeOrigin + performanceMs + this.offset;
  }

  async sync(socket: SignallingSocket, samples = 5): Promise<void> {
    let best: { offset: number; rtt: number } | undefined;
    for (let i = 0; i < samples; i++) {
      const t0 = Date.now();
      const { now } = await request(socket, 'clock:now', {});
      const t1 = Date.now();
      const sample = { offset: now - (t0 + t1) / 2, rtt: t1 - t0 };
      if (!best || sample.rtt < best.rtt) best = sample;
    }
    if (best) {
      this.offset = best.offset;
      this.#synced = true;
    }
  }
}

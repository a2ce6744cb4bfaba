import type { HandlerContext } from './context.ts';
import { onRequest } from './onRequest.ts';

/** clock:now: pages estimate their offset to the server's clock (results carry capture times on it). */
export function registerClockHandlers(ctx: HandlerContext): void {
  onRequest(ctx, 'clock:now', () => ({ now: Date.now() }));
}

import { EventEmitter } from 'node:events';
import { createLogger } from './logger.ts';

const log = createLogger('EnhancedEmitter');

/**
 * A typed EventEmitter (as mediasoup's): `safeEmit` logs a listener's exception instead of letting it unwind into
 * the child that emitted.
 */
export class EnhancedEmitter<E extends Record<string, unknown[]>> extends EventEmitter {
  safeEmit<K extends keyof E & string>(event: K, ...args: E[K]): boolean {
    try {
      return super.emit(event, ...args);
    } catch (error) {
      log.error({ err: error, event }, 'event listener threw');
      return true;
    }
  }

  override on<K extends keyof E & string>(event: K, listener: (...args: E[K]) => void): this {
    return super.on(event, listener as (...args: unknown[]) => void);
  }

  override once<K extends keyof E & string>(event: K, listener: (...args: E[K]) => void): this {
    return super.once(event, listener as (...args: unknown[]) => void);
  }

  override off<K extends keyof E & string>(event: K, listener: (...args: E[K]) => void): this {
    return super.off(event, listener as (...args: unknown[]) => void);
  }
}

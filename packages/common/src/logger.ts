import { pino, type Logger } from 'pino';

// pino-pretty only for a person at a terminal; JSON lines otherwise (files, CI, log shippers).
const pretty = process.stdout.isTTY && process.env.MASKWATCH_LOG_FORMAT !== 'json';
const root: Logger = pino({
  name: process.env.MASKWATCH_LOG_NAME ?? 'maskwatch',
  level: process.env.MASKWATCH_LOG_LEVEL ?? 'info',
  ...(pretty
    ? { transport: { target: 'pino-pretty', options: { translateTime: 'HH:MM:ss.l', ignore: 'pid,hostname' } } }
    : {}),
});

/** A logger for one module, with context bindings (camera id, transport id, worker pid). */
export function createLogger(module: string, bindings: Record<string, unknown> = {}): Logger {
  return root.child({ module, ...bindings });
}

export type { Logger };

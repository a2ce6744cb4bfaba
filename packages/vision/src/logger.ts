import { pino, type Logger } from 'pino';

// stderr, always: the CLIs own stdout (one JSON line per image) and a log line there would corrupt it.
const root: Logger = pino(
  { name: 'vision', level: process.env.MASKWATCH_LOG_LEVEL ?? process.env.LOG_LEVEL ?? 'info' },
  pino.destination({ dest: 2, sync: true }),
);

/** A logger for one module of this package, with context bindings (model name, camera id). */
export function createLogger(module: string, bindings: Record<string, unknown> = {}): Logger {
  return root.child({ module, ...bindings });
}

export type { Logger };

import type { Logger } from 'pino';

/**
 * SIGINT and SIGTERM close `owner` (everything it opened) and exit 0, or 1 when closing fails; a second signal while
 * closing exits at once. What every Maskwatch process does on Ctrl-C or a service manager's stop.
 */
export function closeOnSignals(owner: { close(): Promise<void> }, log: Logger): void {
  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) {
      log.warn({ signal }, 'second signal: exiting now');
      process.exit(1);
    }
    stopping = true;
    log.info({ signal }, 'shutting down');
    owner.close().then(
      () => process.exit(0),
      (error: unknown) => {
        log.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

import type { Logger } from 'pino';

/** The signals that ask a Maskwatch process to stop: Ctrl-C, a service manager's stop, a closed terminal. */
export const STOP_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
/** A second signal this soon after the first is the same request delivered twice (to the pid and to its group). */
const DUPLICATE_MS = 1000;

export type Closable = { close(): Promise<void> };

export type StopOptions = {
  /** Closing may take this long; then the process exits anyway (code 1), whatever is still open. */
  deadlineMs: number;
  /** How the process ends (tests pass their own). */
  exit?: (code: number) => void;
};

/**
 * Listens for SIGINT, SIGTERM and SIGHUP from the first line of a process's start, so that a stop asked for while
 * it is still starting is not lost: `own(owner)` hands over what to close once it exists. On a signal, the owner (now
 * or as soon as there is one) is closed and the process exits 0 (1 when closing fails); closing gets `deadlineMs`,
 * then the process exits 1 anyway, even if something it waits for never answers. A further signal (not the same one
 * delivered twice) exits at once.
 *
 *   const stop = stopOnSignals(log, { deadlineMs: 9000 });   // first thing in main
 *   const server = await createServer(config);
 *   stop.own(server);                                          // closes at once if a signal came meanwhile
 */
export function stopOnSignals(
  log: Logger,
  options: StopOptions,
): { own(owner: Closable): void; readonly stopping: boolean } {
  const exit = options.exit ?? ((code: number) => process.exit(code));
  let owner: Closable | undefined;
  let firstSignalAt: number | undefined;
  let closing = false;
  let deadline: NodeJS.Timeout | undefined;
  const close = (): void => {
    if (closing || !owner) return;
    closing = true;
    owner.close().then(
      () => {
        clearTimeout(deadline);
        exit(0);
      },
      (error: unknown) => {
        clearTimeout(deadline);
        log.error({ err: error }, 'shutdown failed');
        exit(1);
      },
    );
  };
  const onSignal = (signal: NodeJS.Signals): void => {
    const now = Date.now();
    if (firstSignalAt !== undefined) {
      if (now - firstSignalAt < DUPLICATE_MS) return;
      log.warn({ signal }, 'second signal: exiting now');
      exit(1);
      return;
    }
    firstSignalAt = now;
    log.info({ signal, deadlineMs: options.deadlineMs }, owner ? 'shutting down' : 'shutting down once started');
    // Not unref'd: a process whose start-up is stuck must still end on time.
    deadline = setTimeout(() => {
      log.error({ deadlineMs: options.deadlineMs }, 'could not close in time: exiting anyway');
      exit(1);
    }, options.deadlineMs);
    close();
  };
  for (const signal of STOP_SIGNALS) process.on(signal, onSignal);
  return {
    own(next: Closable): void {
      owner = next;
      if (firstSignalAt !== undefined) close();
    },
    get stopping() {
      return firstSignalAt !== undefined;
    },
  };
}

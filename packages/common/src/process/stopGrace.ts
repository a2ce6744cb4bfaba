import { z } from 'zod';

/**
 * `MASKWATCH_STOP_GRACE_S`: how long a stop may take, in seconds (default 10). `npm start` (infra/start.mjs) kills
 * whatever is left of its processes after it; each process gives up closing cleanly a second earlier.
 */
export const stopGrace = z.coerce.number().min(1).max(600).default(10);

/** How long a process may spend closing after a stop signal, for a grace of `graceSeconds`. */
export function stopDeadlineMs(graceSeconds: number): number {
  return Math.max(500, graceSeconds * 1000 - 1000);
}

import { VisionError } from '../VisionError.ts';

/** Parses a numeric CLI flag, naming the flag in the error. */
export function parseNumber(
  flag: string,
  value: string | undefined,
  fallback: number,
  check: (n: number) => boolean,
): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || !check(n)) {
    throw new VisionError('INVALID_ARGUMENT', `--${flag}: invalid value "${value}"`);
  }
  return n;
}

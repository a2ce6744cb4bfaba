import type { z } from 'zod';

/**
 * Parses the `MASKWATCH_*` variables that `schema` knows (empty ones count as unset). Throws `makeError` with one
 * line per bad variable, its value shown unless it is in `secret`.
 */
export function parseEnv<S extends z.ZodType>(
  schema: S,
  known: ReadonlySet<string>,
  env: Record<string, string | undefined>,
  makeError: (message: string) => Error,
  secret: ReadonlySet<string> = new Set(),
): z.output<S> {
  const picked = Object.fromEntries(
    Object.entries(env).filter(([key, value]) => known.has(key) && value !== undefined && value !== ''),
  );
  const result = schema.safeParse(picked);
  if (result.success) return result.data;
  const lines = result.error.issues.map((issue) => {
    const name = String(issue.path[0] ?? '(environment)');
    const shown = secret.has(name) ? '(hidden)' : JSON.stringify(env[name] ?? '');
    return `${name}=${shown}: ${issue.message}`;
  });
  throw makeError(`invalid configuration:\n  ${lines.join('\n  ')}`);
}

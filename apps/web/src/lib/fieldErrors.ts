/** Field-by-field error messages, from a zod parse here or from the server's `error.issues`. */
import type { ErrorBody } from '@maskwatch/protocol/errors';

export type FieldErrors = Record<string, string>;

type Issue = { path: ReadonlyArray<PropertyKey> | string; message: string };

export function toFieldErrors(issues: ReadonlyArray<Issue> | ErrorBody['issues']): FieldErrors {
  const errors: FieldErrors = {};
  for (const issue of issues ?? []) {
    const path = typeof issue.path === 'string' ? issue.path : issue.path.map(String).join('.');
    const field = path.split('.')[0] || '(root)';
    errors[field] ??= issue.message;
  }
  return errors;
}

import { z } from 'zod';

/** Reason codes carried by every error answer (socket.io acks, `server:error`, HTTP bodies). */
export const ERROR_CODES = [
  'bad_request',
  /** Nobody is signed in (or the session, token or secret is unknown, expired or revoked). */
  'unauthorized',
  /** Signed in, but this role (or this camera token) may not do that. */
  'forbidden',
  'not_found',
  'method_not_allowed',
  'conflict',
  'payload_too_large',
  /** Too many requests (logins, signalling messages): wait and try again. */
  'rate_limited',
  'unsupported_version',
  'unknown_event',
  'unavailable',
  'internal',
] as const;
export const ErrorCodeSchema = z.enum(ERROR_CODES);
export type ErrorCode = z.infer<typeof ErrorCodeSchema>;

export const HTTP_STATUS: Record<ErrorCode, number> = {
  bad_request: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  method_not_allowed: 405,
  conflict: 409,
  payload_too_large: 413,
  rate_limited: 429,
  unsupported_version: 426,
  unknown_event: 400,
  unavailable: 503,
  internal: 500,
};

export const ErrorBodySchema = z.object({
  code: ErrorCodeSchema,
  message: z.string(),
  /** Where the input was wrong: zod issue paths joined with dots, e.g. `rtspUrl`. */
  issues: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
});
export type ErrorBody = z.infer<typeof ErrorBodySchema>;

/** The one error class that crosses a boundary: it carries its code, and becomes an ack or HTTP status there. */
export class MaskwatchError extends Error {
  override readonly name = 'MaskwatchError';
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly issues?: ErrorBody['issues'],
  ) {
    super(message);
  }

  toBody(): ErrorBody {
    return this.issues ? { code: this.code, message: this.message, issues: this.issues } : { code: this.code, message: this.message };
  }

  /** A failed zod parse as a `bad_request` naming each wrong field. */
  static fromZod(error: z.ZodError, what: string): MaskwatchError {
    const issues = error.issues.map((issue) => ({
      path: issue.path.map(String).join('.') || '(root)',
      message: issue.message,
    }));
    const first = issues[0];
    const detail = first ? `${first.path}: ${first.message}` : 'invalid';
    return new MaskwatchError('bad_request', `invalid ${what}: ${detail}`, issues);
  }
}

/** Parses `input` with `schema`, or throws a `bad_request` MaskwatchError naming `what`. */
export function parseOrThrow<S extends z.ZodType>(schema: S, input: unknown, what: string): z.infer<S> {
  const result = schema.safeParse(input);
  if (!result.success) throw MaskwatchError.fromZod(result.error, what);
  return result.data;
}

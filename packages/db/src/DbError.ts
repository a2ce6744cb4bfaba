/** The database package's one error class: `code` says what went wrong, the caller maps it at its boundary. */
export type DbErrorCode = 'not_found' | 'conflict' | 'invalid';

export class DbError extends Error {
  override readonly name = 'DbError';
  constructor(
    readonly code: DbErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/** Why a vision operation failed; callers switch on it (the CLI prints it, the server maps it to an ack code). */
export const VISION_ERROR_CODES = [
  'MANIFEST_NOT_FOUND',
  'MANIFEST_INVALID',
  'MODEL_NOT_FOUND',
  'MODEL_FILE_MISSING',
  'MODEL_CHECKSUM_MISMATCH',
  'MODEL_INCOMPATIBLE',
  'IMAGE_DECODE_FAILED',
  'INVALID_ARGUMENT',
  'CLOSED',
] as const;
export type VisionErrorCode = (typeof VISION_ERROR_CODES)[number];

/** The one error class of this package: a code plus a message that names the file or value at fault. */
export class VisionError extends Error {
  readonly code: VisionErrorCode;

  constructor(code: VisionErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'VisionError';
    this.code = code;
  }
}

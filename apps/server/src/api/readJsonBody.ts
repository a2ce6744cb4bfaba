import type { IncomingMessage } from 'node:http';
import { MaskwatchError } from '@maskwatch/protocol/errors';
import { MAX_JSON_BODY_BYTES } from '@maskwatch/protocol/http';

/**
 * `application/json`, optionally with `charset=utf-8`, written exactly so: a body declared otherwise (other case,
 * leading space, another charset, `text/plain`) is refused rather than guessed at. Browsers send exactly this.
 */
const JSON_TYPE = /^application\/json(?:;[ \t]*charset=(?:utf-8|"utf-8"))?$/i;
const LOWER_JSON = /^application\/json(?:;|$)/;

export function isJsonContentType(header: string | undefined): boolean {
  return header !== undefined && LOWER_JSON.test(header) && JSON_TYPE.test(header);
}

/**
 * Reads a JSON body: `application/json` (see isJsonContentType; 400 otherwise), at most MAX_JSON_BODY_BYTES (413,
 * checked on Content-Length first and while streaming), valid UTF-8 (400), valid JSON (400). Returns `unknown`: the
 * caller parses it.
 */
export async function readJsonBody(req: IncomingMessage): Promise<unknown> {
  const header = req.headers['content-type'];
  if (!isJsonContentType(header)) {
    req.resume();
    throw new MaskwatchError(
      'bad_request',
      `Content-Type must be application/json (charset utf-8), not ${header ? JSON.stringify(header.slice(0, 80)) : 'missing'}`,
    );
  }
  const declared = Number(req.headers['content-length'] ?? 0);
  const tooLarge = () => new MaskwatchError('payload_too_large', `body is larger than ${MAX_JSON_BODY_BYTES} bytes`);
  if (declared > MAX_JSON_BODY_BYTES) {
    req.resume();
    throw tooLarge();
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_JSON_BODY_BYTES) {
      req.resume();
      throw tooLarge();
    }
    chunks.push(chunk as Buffer);
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(Buffer.concat(chunks));
  } catch {
    throw new MaskwatchError('bad_request', 'body is not valid UTF-8');
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new MaskwatchError(
      'bad_request',
      `body is not valid JSON: ${error instanceof Error ? error.message : 'parse error'}`,
    );
  }
}

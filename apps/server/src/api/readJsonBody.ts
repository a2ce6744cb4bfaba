import type { IncomingMessage } from 'node:http';
import { MaskwatchError } from '@maskwatch/protocol/errors';
import { MAX_JSON_BODY_BYTES } from '@maskwatch/protocol/http';

/**
 * Reads a JSON body: `application/json` only (400 otherwise), at most MAX_JSON_BODY_BYTES (413, checked on
 * Content-Length first and while streaming), valid JSON (400). Returns `unknown`: the caller parses it.
 */
export async function readJsonBody(req: IncomingMessage): Promise<unknown> {
  const type = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
  if (type !== 'application/json') {
    req.resume();
    throw new MaskwatchError('bad_request', `Content-Type must be application/json, not ${type || 'missing'}`);
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
  const text = Buffer.concat(chunks).toString('utf8');
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new MaskwatchError(
      'bad_request',
      `body is not valid JSON: ${error instanceof Error ? error.message : 'parse error'}`,
    );
  }
}

import type { ServerResponse } from 'node:http';
import { MaskwatchError } from '@maskwatch/protocol/errors';

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    'cache-control': 'no-store',
  });
  res.end(text);
}

/** The query string as an object for a schema; a repeated key is a `bad_request` (never silently first or last). */
export function queryObject(url: URL): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of url.searchParams) {
    if (Object.hasOwn(out, key)) throw new MaskwatchError('bad_request', `query parameter ${key} is given twice`);
    out[key] = value;
  }
  return out;
}

/** A path parameter, URI-decoded; a malformed escape is a `bad_request`. */
export function pathParam(params: Record<string, string>, name: string): string {
  try {
    return decodeURIComponent(params[name] ?? '');
  } catch {
    throw new MaskwatchError('bad_request', `${name}: malformed URI escape`);
  }
}

/** REST client: bodies from the contract, answers parsed, errors carried with their field issues. */
import type { z } from 'zod';
import { ErrorResponseSchema, CameraListResponseSchema, CameraResponseSchema, type CameraResponse } from '@maskwatch/protocol/http';
import type { CameraView, CreateCamera, UpdateCamera } from '@maskwatch/protocol/camera';
import type { ErrorBody } from '@maskwatch/protocol/errors';

export class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(
    readonly status: number,
    readonly body: ErrorBody,
  ) {
    super(body.message);
  }
}

let signedInPage = false;
/** This page needs a session: a 401 from here on (the session ended or was revoked) goes to the login page. */
export function expectSession(): void {
  signedInPage = true;
}

export async function call<S extends z.ZodType>(schema: S | null, path: string, init: RequestInit = {}): Promise<z.infer<S> | null> {
  const response = await fetch(path, {
    ...init,
    headers: init.body ? { 'content-type': 'application/json' } : undefined,
    cache: 'no-store',
  });
  const text = await response.text();
  let json: unknown = null;
  if (text) {
    try {
      json = JSON.parse(text);
    } catch {
      json = null;
    }
  }
  if (!response.ok) {
    if (response.status === 401 && signedInPage && window.location.pathname !== '/login') {
      window.location.assign(`/login?next=${encodeURIComponent(window.location.pathname + window.location.search)}`);
    }
    const error = ErrorResponseSchema.safeParse(json);
    throw new ApiError(
      response.status,
      error.success ? error.data.error : { code: 'internal', message: `HTTP ${response.status} ${response.statusText}` },
    );
  }
  if (!schema) return null;
  const parsed = schema.safeParse(json);
  if (!parsed.success) throw new ApiError(response.status, { code: 'internal', message: `malformed answer from ${path}` });
  return parsed.data;
}

export async function listCameras(): Promise<CameraView[]> {
  const body = await call(CameraListResponseSchema, '/api/cameras');
  return body?.cameras ?? [];
}

/** The new camera, and for a browser camera its publish link (shown once). */
export async function createCamera(input: CreateCamera): Promise<CameraResponse | null> {
  return call(CameraResponseSchema, '/api/cameras', { method: 'POST', body: JSON.stringify(input) });
}

export async function updateCamera(id: string, input: UpdateCamera): Promise<CameraView | null> {
  const body = await call(CameraResponseSchema, `/api/cameras/${encodeURIComponent(id)}`, {
    method: 'PATCH',
    body: JSON.stringify(input),
  });
  return body?.camera ?? null;
}

export async function deleteCamera(id: string): Promise<void> {
  await call(null, `/api/cameras/${encodeURIComponent(id)}`, { method: 'DELETE' });
}

/** REST client for `/api/alerts`, `/api/alert-settings` and `/api/compliance`: answers parsed with the contract. */
import type { z } from 'zod';
import {
  AckManyResponseSchema,
  AlertListResponseSchema,
  AlertResponseSchema,
  AlertSettingsListResponseSchema,
  AlertSettingsResponseSchema,
  ComplianceResponseSchema,
  type Alert,
  type AlertLabel,
  type AlertSettings,
  type ComplianceResponse,
  type UpdateAlertSettings,
} from '@maskwatch/protocol/alerts';
import { ErrorResponseSchema } from '@maskwatch/protocol/http';
import { ApiError } from './api';

async function call<S extends z.ZodType>(schema: S, path: string, init: { method?: string; body?: unknown } = {}): Promise<z.infer<S>> {
  const response = await fetch(path, {
    method: init.method ?? 'GET',
    headers: init.body !== undefined ? { 'content-type': 'application/json' } : undefined,
    body: init.body !== undefined ? JSON.stringify(init.body) : undefined,
    cache: 'no-store',
  });
  let json: unknown = null;
  try {
    json = await response.json();
  } catch {
    json = null;
  }
  if (!response.ok) {
    const error = ErrorResponseSchema.safeParse(json);
    throw new ApiError(
      response.status,
      error.success ? error.data.error : { code: 'internal', message: `HTTP ${response.status} ${response.statusText}` },
    );
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) throw new ApiError(response.status, { code: 'internal', message: `malformed answer from ${path}` });
  return parsed.data;
}

export type AlertFilters = {
  cameraId?: string;
  label?: AlertLabel;
  from?: number;
  to?: number;
  acknowledged?: boolean;
};

/** The filters as a query string (also for the CSV link). */
export function filterQuery(filters: AlertFilters, extra: Record<string, string> = {}): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(filters)) if (value !== undefined && value !== '') params.set(key, String(value));
  for (const [key, value] of Object.entries(extra)) params.set(key, value);
  const text = params.toString();
  return text ? `?${text}` : '';
}

export function listAlerts(filters: AlertFilters, cursor?: string, limit = 50): Promise<{ alerts: Alert[]; next: string | null }> {
  return call(AlertListResponseSchema, `/api/alerts${filterQuery(filters, { limit: String(limit), ...(cursor ? { cursor } : {}) })}`);
}

/** Acknowledges as the signed-in account (the server records who); the note is free text. */
export async function acknowledgeAlerts(ids: string[], note: string): Promise<Alert[]> {
  if (ids.length === 1) {
    const body = await call(AlertResponseSchema, `/api/alerts/${encodeURIComponent(ids[0]!)}/ack`, { method: 'POST', body: { note } });
    return [body.alert];
  }
  return (await call(AckManyResponseSchema, '/api/alerts/ack', { method: 'POST', body: { ids, note } })).alerts;
}

export async function listAlertSettings(): Promise<AlertSettings[]> {
  return (await call(AlertSettingsListResponseSchema, '/api/alert-settings')).settings;
}

export async function updateAlertSettings(cameraId: string, changes: UpdateAlertSettings): Promise<AlertSettings> {
  return (await call(AlertSettingsResponseSchema, `/api/alert-settings/${encodeURIComponent(cameraId)}`, { method: 'PUT', body: changes }))
    .settings;
}

export function getCompliance(from: number, to: number, bucketMinutes: number, cameraId?: string): Promise<ComplianceResponse> {
  const params = new URLSearchParams({ from: String(from), to: String(to), bucketMinutes: String(bucketMinutes) });
  if (cameraId) params.set('cameraId', cameraId);
  return call(ComplianceResponseSchema, `/api/compliance?${params.toString()}`);
}

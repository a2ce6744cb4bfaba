import { AuditQuerySchema, UpdateSettingsSchema, type AuditListResponse, type SettingsResponse } from '@maskwatch/protocol/auth';
import type { AccessControl } from '../../auth/AccessControl.ts';
import { defineRoute, type Route } from '../Route.ts';

/** The audit log and the run-time settings, for admins. */
export function adminRoutes(access: AccessControl): Route[] {
  const { audit, settings } = access;
  const answer = (): SettingsResponse => ({
    settings: settings.get(),
    defaultCameraNetworks: settings.defaultCameraNetworks,
  });
  return [
    defineRoute({
      method: 'GET',
      path: '/api/audit',
      access: 'admin',
      summary: 'the audit log, newest first (?limit=, ?before= for the next page)',
      query: AuditQuerySchema,
      handler: ({ query }) => {
        const body: AuditListResponse = audit.page(query.limit, query.before);
        return { body };
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/api/settings',
      access: 'admin',
      summary: 'open enrolment and camera networks',
      handler: () => ({ body: answer() }),
    }),
    defineRoute({
      method: 'PATCH',
      path: '/api/settings',
      access: 'admin',
      summary: 'switch open enrolment, set the allowed and denied camera networks',
      body: UpdateSettingsSchema,
      handler: ({ body: changes, caller }) => {
        settings.update(changes);
        audit.record(caller, 'settings.update', null, changes);
        return { body: answer() };
      },
    }),
  ];
}

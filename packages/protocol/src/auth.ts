/** Access control: roles, and who may do what. */
import { z } from 'zod';

/** admin: manages cameras, users and settings; operator: watches, reviews and acknowledges alerts. */
export const ROLES = ['operator', 'admin'] as const;
export const RoleSchema = z.enum(ROLES);
export type Role = z.infer<typeof RoleSchema>;

/** What a REST route or socket request asks of its caller: nobody signed in, any signed-in user, or an admin. */
export const ACCESS_LEVELS = ['public', 'operator', 'admin'] as const;
export type Access = (typeof ACCESS_LEVELS)[number];

/** Whether a user with `role` may use something that asks for `access` (an admin may do all an operator may). */
export function roleAllows(role: Role | null, access: Access): boolean {
  if (access === 'public') return true;
  if (role === null) return false;
  return access === 'operator' || role === 'admin';
}

/** REST bodies. Errors are `{ error: ErrorBody }` with the status from HTTP_STATUS. */
import { z } from 'zod';
import { CameraViewSchema } from './camera.ts';
import { ErrorBodySchema } from './errors.ts';

export { CreateCameraSchema, UpdateCameraSchema } from './camera.ts';

/** Bodies larger than this are refused with 413 before parsing. */
export const MAX_JSON_BODY_BYTES = 16 * 1024;

export const ErrorResponseSchema = z.object({ error: ErrorBodySchema });
export type ErrorResponse = z.infer<typeof ErrorResponseSchema>;

export const CameraListResponseSchema = z.object({ cameras: z.array(CameraViewSchema) });
export type CameraListResponse = z.infer<typeof CameraListResponseSchema>;

export const CameraResponseSchema = z.object({
  camera: CameraViewSchema,
  /** Only in the answer that created a browser camera: its publish link (shown once; see auth.ts). */
  publishUrl: z.string().optional(),
});
export type CameraResponse = z.infer<typeof CameraResponseSchema>;

export const HealthResponseSchema = z.object({
  ok: z.boolean(),
  protocolVersion: z.number(),
  workers: z.object({ alive: z.number(), total: z.number() }),
  uptimeSeconds: z.number(),
});
export type HealthResponse = z.infer<typeof HealthResponseSchema>;

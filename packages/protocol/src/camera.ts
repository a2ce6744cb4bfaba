import { z } from 'zod';

export const CAMERA_KINDS = ['browser', 'rtsp'] as const;
export const CameraKindSchema = z.enum(CAMERA_KINDS);
export type CameraKind = z.infer<typeof CameraKindSchema>;

/** offline: nothing publishing; connecting: a publisher or ffmpeg is starting; live: media flows; error: see detail. */
export const CAMERA_STATUSES = ['offline', 'connecting', 'live', 'error'] as const;
export const CameraStatusSchema = z.enum(CAMERA_STATUSES);
export type CameraStatus = z.infer<typeof CameraStatusSchema>;

export const CameraIdSchema = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9_-]+$/, 'letters, digits, _ and - only');
/** The limit on a name, in characters as a person counts them (grapheme clusters: one emoji, one letter+accent). */
export const CAMERA_NAME_MAX = 64;
const graphemes = new Intl.Segmenter(undefined, { granularity: 'grapheme' });
/** Controls, format characters (bidi overrides and isolates, zero-width spaces, BOM), line and paragraph separators and
 * lone surrogates; zero-width (non-)joiners stay, emoji sequences and several scripts need them. */
const HIDDEN_CHARACTERS = /(?![\u200C\u200D])[\p{Cc}\p{Cf}\p{Cs}\p{Zl}\p{Zp}]/u;

export function graphemeLength(text: string): number {
  let count = 0;
  for (const _ of graphemes.segment(text)) count++;
  return count;
}

export const CameraNameSchema = z
  .string()
  .trim()
  .normalize('NFC')
  .min(1, 'name is empty')
  .refine((name) => !HIDDEN_CHARACTERS.test(name), 'name has control, format or direction-changing characters')
  .refine((name) => graphemeLength(name) <= CAMERA_NAME_MAX, `name is longer than ${CAMERA_NAME_MAX} characters`)
  // The database counts code points: a name of many combined characters (flags, families) is cut off there.
  .refine((name) => [...name].length <= CAMERA_NAME_MAX, 'name is too long (combined characters count more than one)');
export const RtspUrlSchema = z
  .string()
  .trim()
  .max(2048)
  .refine((value) => {
    try {
      const url = new URL(value);
      return (url.protocol === 'rtsp:' || url.protocol === 'rtsps:') && url.hostname.length > 0;
    } catch {
      return false;
    }
  }, 'must be an rtsp:// or rtsps:// URL with a host');

export const CameraSchema = z.object({
  id: CameraIdSchema,
  name: CameraNameSchema,
  kind: CameraKindSchema,
  /** RTSP source; null for browser cameras. Credentials in it are never sent to viewers (see CameraView). */
  rtspUrl: z.string().nullable(),
  enabled: z.boolean(),
  /** Whether the camera's video is analysed (faces found, classified, tracked). An admin may switch it off. */
  analysisEnabled: z.boolean(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type Camera = z.infer<typeof CameraSchema>;

/**
 * off: not analysed (disabled, no video, or switched off); starting: a node was given the camera and waits for its
 * first frame; running: results flow; stalled: results stopped (node lost, decoder failing), see detail.
 */
export const ANALYSIS_STATUSES = ['off', 'starting', 'running', 'stalled'] as const;
export const AnalysisStatusSchema = z.enum(ANALYSIS_STATUSES);
export type AnalysisStatus = z.infer<typeof AnalysisStatusSchema>;

export const AnalysisStateSchema = z.object({
  status: AnalysisStatusSchema,
  /** Why it is off or stalled, or what it waits for; null when running. */
  detail: z.string().nullable(),
  /** The inference node analysing it, when one is assigned. */
  nodeId: z.string().nullable(),
});
export type AnalysisState = z.infer<typeof AnalysisStateSchema>;

/** What viewers see of a camera: the record plus its live state. */
export const CameraViewSchema = CameraSchema.extend({
  status: CameraStatusSchema,
  /** Human-readable reason for `error` (e.g. ffmpeg's "Connection refused"), or progress for `connecting`. */
  statusDetail: z.string().nullable(),
  /** Whether a video producer exists for it right now (a viewer can consume it). */
  hasVideo: z.boolean(),
  /** Faces in view as last reported by the camera page's on-device detector, null if unknown. */
  facesInView: z.number().int().nonnegative().nullable(),
  /**
   * The video producer now behind the camera, when `hasVideo`. It changes when the source restarts (an RTSP
   * reconnect, a camera page reload): a viewer whose consumer's producerId differs consumes again.
   */
  producerId: z.string().nullable().optional(),
  analysis: AnalysisStateSchema,
});
export type CameraView = z.infer<typeof CameraViewSchema>;

export const CreateCameraSchema = z.discriminatedUnion('kind', [
  z
    .object({
      kind: z.literal('browser'),
      name: CameraNameSchema,
      enabled: z.boolean().optional(),
      analysisEnabled: z.boolean().optional(),
    })
    .strict(),
  z
    .object({
      kind: z.literal('rtsp'),
      name: CameraNameSchema,
      rtspUrl: RtspUrlSchema,
      enabled: z.boolean().optional(),
      analysisEnabled: z.boolean().optional(),
    })
    .strict(),
]);
export type CreateCamera = z.infer<typeof CreateCameraSchema>;

export const UpdateCameraSchema = z
  .object({ name: CameraNameSchema, enabled: z.boolean(), analysisEnabled: z.boolean(), rtspUrl: RtspUrlSchema })
  .partial()
  .strict()
  .refine((value) => Object.keys(value).length > 0, 'nothing to update');
export type UpdateCamera = z.infer<typeof UpdateCameraSchema>;

/** Hides user:password in an RTSP URL before it leaves the server. */
export function redactRtspUrl(url: string | null): string | null {
  if (url === null) return null;
  try {
    const parsed = new URL(url);
    if (parsed.username || parsed.password) {
      parsed.username = parsed.username ? '***' : '';
      parsed.password = parsed.password ? '***' : '';
    }
    return parsed.toString();
  } catch {
    return url;
  }
}

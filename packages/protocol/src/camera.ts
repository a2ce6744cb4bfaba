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

/** A DNS label (letters, digits, `_`, inner `-`): never a leading `-` that a program could read as an option. */
const HOST_LABEL = /^[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?$/;

/**
 * Why an RTSP URL cannot be handed to ffmpeg, or undefined when it can. The value is passed as it is (not as the URL
 * parser would normalise it), so the raw text is checked too: no control or invisible characters (a NUL byte makes
 * spawn throw; a tab or newline would be dropped by the parser but kept by ffmpeg), no spaces.
 */
export function rtspUrlProblem(value: string): string | undefined {
  if (/[\p{Cc}\p{Cf}\p{Z}\s]/u.test(value)) return 'has spaces or control characters (percent-encode them)';
  if (!/^rtsps?:\/\//i.test(value)) return 'must be an rtsp:// or rtsps:// URL with a host';
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return 'must be an rtsp:// or rtsps:// URL with a host';
  }
  const host = url.hostname;
  if (!host) return 'must be an rtsp:// or rtsps:// URL with a host';
  // An IPv6 literal was checked by the parser; anything else must look like a DNS name or an IPv4 address.
  if (host.startsWith('[')) return undefined;
  const name = host.endsWith('.') ? host.slice(0, -1) : host;
  if (name.length > 253 || !name.split('.').every((label) => HOST_LABEL.test(label)))
    return 'host must be a DNS name or an IP address (letters, digits, dots and inner hyphens; punycode for international names)';
  return undefined;
}

export const RtspUrlSchema = z
  .string()
  .trim()
  .max(2048)
  .superRefine((value, ctx) => {
    const problem = rtspUrlProblem(value);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  });

export const CameraSchema = z.object({
  id: CameraIdSchema,
  name: CameraNameSchema,
  kind: CameraKindSchema,
  /** RTSP source; null for browser cameras. Credentials in it are never sent to viewers (see CameraView). */
  rtspUrl: z.string().nullable(),
  /**
   * RTSP cameras: a second, smaller stream of the same camera (an IP camera's substream) that the inference node
   * decodes instead of the main one, which viewers keep watching; null: the node decodes the main stream.
   */
  analysisRtspUrl: z.string().nullable().optional(),
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

/** What the inference node analyses of a camera. */
export const AnalysisInputSchema = z.object({
  /** Which stream the node decodes: the camera's main stream, or the smaller analysis stream an RTSP camera names. */
  stream: z.enum(['main', 'analysis']),
  /** Size of the analysed frames (the stream's own, up to the node's limit); null before the first. */
  width: z.number().int().positive().nullable(),
  height: z.number().int().positive().nullable(),
  /** Analysed frames per second (to 0.5); null before the node reports it. */
  fps: z.number().nonnegative().nullable(),
  /** A layered camera (VP8 L1T3 from the camera page): the temporal layer the analysis takes, of how many. */
  temporalLayer: z.object({ layer: z.number().int().nonnegative(), of: z.number().int().positive() }).nullable(),
});
export type AnalysisInput = z.infer<typeof AnalysisInputSchema>;

export const AnalysisStateSchema = z.object({
  status: AnalysisStatusSchema,
  /** Why it is off or stalled, or what it waits for; null when running. */
  detail: z.string().nullable(),
  /** The inference node analysing it, when one is assigned. */
  nodeId: z.string().nullable(),
  /** What the node analyses, while a node has the camera. Absent from an older server. */
  input: AnalysisInputSchema.nullable().optional(),
});
export type AnalysisState = z.infer<typeof AnalysisStateSchema>;

/** What viewers see of a camera: the record plus its live state. */
export const CameraViewSchema = CameraSchema.extend({
  status: CameraStatusSchema,
  /** Human-readable reason for `error` (e.g. ffmpeg's "Connection refused"), or progress for `connecting`. */
  statusDetail: z.string().nullable(),
  /**
   * When the server tries the source again (ms since the epoch, server clock), while an `error` waits for its retry;
   * null otherwise. A console shows it as a countdown. Absent from an older server.
   */
  retryAt: z.number().int().nonnegative().nullable().optional(),
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
      analysisRtspUrl: RtspUrlSchema.nullable().optional(),
      enabled: z.boolean().optional(),
      analysisEnabled: z.boolean().optional(),
    })
    .strict(),
]);
export type CreateCamera = z.infer<typeof CreateCameraSchema>;

export const UpdateCameraSchema = z
  .object({
    name: CameraNameSchema,
    enabled: z.boolean(),
    analysisEnabled: z.boolean(),
    rtspUrl: RtspUrlSchema,
    /** null removes it. */
    analysisRtspUrl: RtspUrlSchema.nullable(),
  })
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

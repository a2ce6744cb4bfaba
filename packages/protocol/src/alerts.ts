/**
 * Alerts: one per non-compliant person (a track), stored with a snapshot before anyone is told, pushed live to the
 * console and to the publishing camera page, reviewed and acknowledged on `/alerts`. Also the per-camera alert
 * settings and the per-minute compliance counts the history page charts.
 */
import { z } from 'zod';
import { CameraIdSchema } from './camera.ts';
import { BoxSchema } from './faces.ts';

/** The labels that raise an alert (`mask` resolves one). */
export const ALERT_LABELS = ['no_mask', 'incorrect'] as const;
export const AlertLabelSchema = z.enum(ALERT_LABELS);
export type AlertLabel = z.infer<typeof AlertLabelSchema>;

/** What the camera page (or the console, for RTSP cameras) says to the person, per label. */
export const ALERT_SENTENCES: Record<AlertLabel, string> = {
  no_mask: 'Please wear a face mask',
  incorrect: 'Please wear your mask over your nose and mouth',
};

/** The bundled recording of each sentence (espeak-ng, see apps/web/scripts/make-speech-audio.sh), for browsers without speech. */
export const ALERT_AUDIO: Record<AlertLabel, string> = {
  no_mask: '/audio/please-wear-a-face-mask.mp3',
  incorrect: '/audio/please-wear-your-mask-over-your-nose-and-mouth.mp3',
};

export const AlertIdSchema = z.string().regex(/^al_[0-9a-f]{16}$/, 'must be an alert id (al_ and 16 hex digits)');

/** ms since epoch on the server's clock. */
const Time = z.number().int().nonnegative();

export const AcknowledgementSchema = z.object({
  /** The account that acknowledged it (its username). */
  by: z.string(),
  at: Time,
  note: z.string(),
});
export type Acknowledgement = z.infer<typeof AcknowledgementSchema>;

export const AlertSchema = z.object({
  id: AlertIdSchema,
  cameraId: CameraIdSchema,
  /** The camera's name when the alert was raised (the history outlives a removed or renamed camera). */
  cameraName: z.string(),
  trackId: z.number().int().nonnegative(),
  label: AlertLabelSchema,
  /** The track's voted confidence when the alert was raised. */
  confidence: z.number().min(0).max(1),
  /** Capture time of the first frame of the non-compliant run that raised it. */
  firstSeenAt: Time,
  /** When it was stored (and then pushed). */
  raisedAt: Time,
  /** When the person put the mask on (the track's label turned to `mask`); null while not. */
  resolvedAt: Time.nullable(),
  /** When the person left (the track ended) without putting the mask on; null while in view or once resolved. */
  endedAt: Time.nullable(),
  /** How many times the person was reminded after the first announcement. */
  reminders: z.number().int().nonnegative(),
  lastRemindedAt: Time.nullable(),
  acknowledged: AcknowledgementSchema.nullable(),
  /** The classifier that made it (every alert says which model made it). */
  model: z.object({ name: z.string(), sha256: z.string() }),
  nodeId: z.string().nullable(),
  /** Capture of the frame that decided the alert to the alert stored and pushed, in ms. */
  latencyMs: z.number().nonnegative(),
  /** The offender's box in the analysed frame, and that frame's size. */
  box: BoxSchema,
  frame: z.object({ width: z.number().int().positive(), height: z.number().int().positive() }),
  /** The stored snapshot (`/api/alerts/:id/snapshot.jpg` and `thumbnail.jpg`), null when none could be taken. */
  snapshot: z
    .object({ width: z.number().int().positive(), height: z.number().int().positive(), bytes: z.number().int().positive() })
    .nullable(),
});
export type Alert = z.infer<typeof AlertSchema>;

export function alertSnapshotUrl(id: string): string {
  return `/api/alerts/${encodeURIComponent(id)}/snapshot.jpg`;
}
export function alertThumbnailUrl(id: string): string {
  return `/api/alerts/${encodeURIComponent(id)}/thumbnail.jpg`;
}

/**
 * What happened to an alert: the reason of an `alert:raised` / `alert:updated` push. `snapshot`: an alert stored
 * without its snapshot (the node was late) got it afterwards.
 */
export const ALERT_CHANGES = ['raised', 'reminded', 'reopened', 'resolved', 'ended', 'acknowledged', 'snapshot'] as const;
export const AlertChangeSchema = z.enum(ALERT_CHANGES);
export type AlertChange = z.infer<typeof AlertChangeSchema>;

/** The sentence to say now (on raise, reminder, reopen), and whether the console says it (RTSP cameras). */
export const AnnounceSchema = z.object({
  label: AlertLabelSchema,
  sentence: z.string(),
  /** The camera's "console speaks" switch: the console says the sentence (its loudspeaker is near the camera). */
  console: z.boolean(),
});
export type Announce = z.infer<typeof AnnounceSchema>;

export const AlertEventSchema = z.object({
  change: AlertChangeSchema,
  alert: AlertSchema,
  announce: AnnounceSchema.nullable(),
});
export type AlertEvent = z.infer<typeof AlertEventSchema>;

/**
 * `alert:say`, to the page publishing the camera only: the sentence for a new alert, as soon as the rule decides
 * and before its snapshot is taken and stored (hundreds of ms: a frame from the node, synced files); the stored
 * alert follows as `alert:raised` with the same id, which the page does not say again.
 */
export const AlertSaySchema = z.object({
  alertId: AlertIdSchema,
  cameraId: CameraIdSchema,
  trackId: z.number().int().nonnegative(),
  announce: AnnounceSchema,
});
export type AlertSay = z.infer<typeof AlertSaySchema>;

// ---- REST ----

const BooleanParam = z.enum(['true', 'false']).transform((value) => value === 'true');
const TimeParam = z.coerce
  .number({ error: 'must be ms since epoch' })
  .int('must be an integer (ms since epoch)')
  .nonnegative();

/** The filters of `GET /api/alerts` (and of the CSV export), from the query string. Unknown keys are refused. */
const AlertQueryFields = {
  cameraId: CameraIdSchema.optional(),
  label: AlertLabelSchema.optional(),
  /** Raised at or after (ms since epoch). */
  from: TimeParam.optional(),
  /** Raised before (ms since epoch). */
  to: TimeParam.optional(),
  acknowledged: BooleanParam.optional(),
  /** The `next` of the previous page. */
  cursor: z
    .string()
    .max(200)
    .regex(/^[A-Za-z0-9_-]+$/, 'is not a cursor from this API')
    .optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
};
const fromBeforeTo = (q: { from?: number | undefined; to?: number | undefined }): boolean =>
  q.from === undefined || q.to === undefined || q.from < q.to;

export const AlertQuerySchema = z
  .object(AlertQueryFields)
  .strict()
  .refine(fromBeforeTo, { path: ['to'], message: 'must be after from' });
export type AlertQuery = z.output<typeof AlertQuerySchema>;

/** An IANA time zone name this runtime knows (`Europe/Berlin`, `UTC`). */
export const TimeZoneSchema = z
  .string()
  .max(64)
  .refine((zone) => {
    try {
      new Intl.DateTimeFormat('en', { timeZone: zone });
      return true;
    } catch {
      return false;
    }
  }, 'is not a time zone (an IANA name such as Europe/Berlin)');

/** `GET /api/alerts.csv`: the list's filters, and the time zone its times are written in (default UTC). */
export const AlertCsvQuerySchema = z
  .object({ ...AlertQueryFields, tz: TimeZoneSchema.default('UTC') })
  .strict()
  .refine(fromBeforeTo, { path: ['to'], message: 'must be after from' });
export type AlertCsvQuery = z.output<typeof AlertCsvQuerySchema>;

export const AlertListResponseSchema = z.object({ alerts: z.array(AlertSchema), next: z.string().nullable() });
export type AlertListResponse = z.infer<typeof AlertListResponseSchema>;

export const AlertResponseSchema = z.object({ alert: AlertSchema });
export type AlertResponse = z.infer<typeof AlertResponseSchema>;

/** Who acknowledges is the signed-in account (the server records it); the note is free text. */
const AckFields = {
  note: z.string().trim().max(500).default(''),
};
export const AckRequestSchema = z.object(AckFields).strict();
export type AckRequest = z.input<typeof AckRequestSchema>;

/** `POST /api/alerts/ack`: several at once; all ids must exist or nothing changes. Already acknowledged ones keep their acknowledgement. */
export const AckManyRequestSchema = z
  .object({ ids: z.array(AlertIdSchema).min(1).max(500), ...AckFields })
  .strict();
export type AckManyRequest = z.input<typeof AckManyRequestSchema>;

export const AckManyResponseSchema = z.object({
  alerts: z.array(AlertSchema),
  /** Ids that were acknowledged before (left as they were). */
  alreadyAcknowledged: z.array(AlertIdSchema),
});
export type AckManyResponse = z.infer<typeof AckManyResponseSchema>;

/** Per-camera alert settings; a camera without stored settings has the defaults. */
export const AlertSettingsSchema = z.object({
  cameraId: CameraIdSchema,
  /** After an alert on this camera, another person's alert waits this long (0: none). */
  cooldownSeconds: z.number().int().min(0).max(3600),
  /** A person still non-compliant is reminded after this long (0: never). */
  reminderSeconds: z.number().int().min(0).max(3600),
  maxReminders: z.number().int().min(0).max(20),
  /** The console says the sentence (for cameras without a page that can speak, e.g. RTSP). */
  consoleSpeaks: z.boolean(),
});
export type AlertSettings = z.infer<typeof AlertSettingsSchema>;

export const UpdateAlertSettingsSchema = AlertSettingsSchema.omit({ cameraId: true })
  .partial()
  .strict()
  .refine((value) => Object.keys(value).length > 0, 'nothing to update');
export type UpdateAlertSettings = z.infer<typeof UpdateAlertSettingsSchema>;

export const AlertSettingsListResponseSchema = z.object({ settings: z.array(AlertSettingsSchema) });
export const AlertSettingsResponseSchema = z.object({ settings: AlertSettingsSchema });

/** Longest range one compliance request may cover, and most points it may return. */
export const COMPLIANCE_MAX_RANGE_MS = 31 * 24 * 3600 * 1000;
export const COMPLIANCE_MAX_POINTS = 2000;

export const ComplianceQuerySchema = z
  .object({
    cameraId: CameraIdSchema.optional(),
    /** Default: a day before `to`. */
    from: TimeParam.optional(),
    /** Default: now. */
    to: TimeParam.optional(),
    /** Width of one point, in minutes (day: 15, week: 60). */
    bucketMinutes: z.coerce.number().int().min(1).max(1440).default(60),
  })
  .strict()
  .transform((q) => {
    const to = q.to ?? Date.now();
    return { ...q, to, from: q.from ?? to - 24 * 60 * 60_000 };
  })
  .refine((q) => q.from < q.to, { path: ['to'], message: 'must be after from' })
  .refine((q) => q.to - q.from <= COMPLIANCE_MAX_RANGE_MS, { path: ['to'], message: 'range is longer than 31 days' })
  .refine((q) => (q.to - q.from) / (q.bucketMinutes * 60_000) <= COMPLIANCE_MAX_POINTS, {
    path: ['bucketMinutes'],
    message: `too small for this range (at most ${COMPLIANCE_MAX_POINTS} points)`,
  });
export type ComplianceQuery = z.output<typeof ComplianceQuerySchema>;

/** People (tracks) seen in a bucket by their voted label, and the alerts raised in it. */
export const CompliancePointSchema = z.object({
  /** Bucket start, ms since epoch. */
  t: Time,
  mask: z.number().int().nonnegative(),
  noMask: z.number().int().nonnegative(),
  incorrect: z.number().int().nonnegative(),
  alerts: z.number().int().nonnegative(),
});
export type CompliancePoint = z.infer<typeof CompliancePointSchema>;

export const ComplianceResponseSchema = z.object({
  from: Time,
  to: Time,
  bucketMinutes: z.number().int(),
  /** One series per camera that has data in the range; only buckets with data are listed. */
  series: z.array(z.object({ cameraId: CameraIdSchema, points: z.array(CompliancePointSchema) })),
});
export type ComplianceResponse = z.infer<typeof ComplianceResponseSchema>;

/** Compliance rate of a point: masked people over all people with a decided label; null when nobody was seen. */
export function complianceRate(point: Pick<CompliancePoint, 'mask' | 'noMask' | 'incorrect'>): number | null {
  const total = point.mask + point.noMask + point.incorrect;
  return total === 0 ? null : point.mask / total;
}

// ---- socket.io ----

/** `alerts:subscribe` (viewer connections): join the live alert feed; answered with the most recent alerts. */
export const alertRequests = {
  'alerts:subscribe': {
    request: z.object({ recent: z.number().int().min(0).max(100).default(20) }).strict(),
    response: z.object({ recent: z.array(AlertSchema) }),
  },
} as const;

/** Pushes: to subscribed viewers, and to the page publishing the alert's camera (`alert:say` to that page only). */
export const alertEvents = {
  'alert:raised': AlertEventSchema,
  'alert:updated': AlertEventSchema,
  'alert:say': AlertSaySchema,
} as const;

import { availableParallelism } from 'node:os';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { parseEnv } from '@maskwatch/common/config/parseEnv';
import { stopDeadlineMs, stopGrace } from '@maskwatch/common/process/stopGrace';
import { PasswordSchema } from '@maskwatch/protocol/auth';

/** The repository root (apps/server/src/config -> ../../../..). */
export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../../..');

const port = (what: string) =>
  z.coerce
    .number({ error: `${what} must be a number` })
    .int(`${what} must be an integer`)
    .min(0)
    .max(65535);
const onOffAuto = z.enum(['on', 'off', 'auto']);
const ipv4 = z.union([z.ipv4(), z.ipv6()]);

/** The alert rule's thresholds an installation may change (apps/server/src/alerts/AlertRule.ts says what each is). */
const RuleTuningSchema = z.strictObject({
  minObservations: z.number().int().min(1).max(100).optional(),
  minDurationMs: z.number().min(0).max(600_000).optional(),
  minFaceSide: z.number().min(0).max(4096).optional(),
  minDetScore: z.number().min(0).max(1).optional(),
  trackGoneMs: z.number().min(0).max(600_000).optional(),
  goneFrames: z.number().int().min(1).max(1000).optional(),
  silentMs: z.number().min(0).max(3_600_000).optional(),
  sameMinSimilarity: z.number().min(0).max(1).optional(),
  sameDistance: z.number().min(0).max(1000).optional(),
  sameDistancePerSecond: z.number().min(0).max(1000).optional(),
  sameMaxDistance: z.number().min(0).max(1000).optional(),
});
export type RuleTuning = z.output<typeof RuleTuningSchema>;

/** Every environment variable the server reads, with its default. Values are strings in, typed out. */
const EnvSchema = z
  .object({
    MASKWATCH_HOST: ipv4.default('0.0.0.0'),
    MASKWATCH_PORT: port('port').default(3000),
    /** Comma-separated addresses put into ICE candidates, or `auto` (LAN addresses plus 127.0.0.1). */
    MASKWATCH_ANNOUNCED_IPS: z
      .string()
      .default('auto')
      .transform((value) =>
        value.trim() === 'auto'
          ? 'auto'
          : value
              .split(',')
              .map((s) => s.trim())
              .filter(Boolean),
      )
      .pipe(z.union([z.literal('auto'), z.array(ipv4).min(1, 'give at least one address or "auto"')])),
    MASKWATCH_RTC_MIN_PORT: port('rtc min port').min(1024).default(40000),
    MASKWATCH_RTC_MAX_PORT: port('rtc max port').min(1024).default(49999),
    MASKWATCH_WORKERS: z.coerce.number().int().min(1).max(64).default(availableParallelism()),
    /** auto: on unless listening on loopback only (browsers allow getUserMedia on http://localhost only). */
    MASKWATCH_TLS: onOffAuto.default('auto'),
    MASKWATCH_TLS_CERT: z.string().min(1).optional(),
    MASKWATCH_TLS_KEY: z.string().min(1).optional(),
    MASKWATCH_DATA_DIR: z.string().min(1).default(join(REPO_ROOT, 'data')),
    /** Defaults to `<data dir>/maskwatch.db`; the db package's import-runs CLI reads the same variable. */
    MASKWATCH_DB: z.string().min(1).optional(),
    MASKWATCH_WEB_DIR: z.string().min(1).default(join(REPO_ROOT, 'apps/web')),
    /** auto: serve the pages when the web app has been built (`<web dir>/.next/BUILD_ID` exists). */
    MASKWATCH_SERVE_WEB: onOffAuto.default('auto'),
    /** RTSP ingest: copy H.264 when possible and transcode otherwise (auto), or force one. */
    MASKWATCH_RTSP_MODE: z.enum(['auto', 'copy', 'transcode']).default('auto'),
    MASKWATCH_FFMPEG: z.string().min(1).default('ffmpeg'),
    /**
     * vp8: a viewer whose browser cannot receive a camera's codec or profile (H.264 High from most IP cameras) gets
     * a VP8 copy, made while someone watches; off: it is told why it cannot play the camera.
     */
    MASKWATCH_VIEWER_TRANSCODE: z.enum(['vp8', 'off']).default('vp8'),
    /** Shared with the inference nodes; default: made at first start in `<data dir>/inference.secret`. */
    MASKWATCH_INFERENCE_SECRET: z.string().min(16, 'at least 16 characters').max(256).optional(),
    /** Where the server sends video to inference nodes from; a LAN address when nodes run on other machines. */
    MASKWATCH_INFERENCE_LISTEN_IP: ipv4.default('127.0.0.1'),
    /** A camera's analysis without results for this many seconds is started again (new transport, new decoder). */
    MASKWATCH_ANALYSIS_RESTART_S: z.coerce.number().int().min(5).max(3600).default(30),
    /** An inference node short of capacity for this many seconds gives one of its cameras to a node with headroom. */
    MASKWATCH_ANALYSIS_REBALANCE_S: z.coerce.number().min(1).max(3600).default(30),
    /** Layered cameras: the analysis takes the lowest temporal layer whose rate is this many times the analysed rate. */
    MASKWATCH_ANALYSIS_LAYER_MARGIN: z.coerce.number().min(1).max(8).default(1.2),
    /** Alerts (rows and snapshots) older than this many days are deleted. */
    MASKWATCH_ALERT_RETENTION_DAYS: z.coerce.number().int().min(1).max(3650).default(30),
    /** Snapshots beyond this many MB are deleted with their alerts, oldest first. */
    MASKWATCH_ALERT_RETENTION_MB: z.coerce.number().int().min(1).max(1_000_000).default(2048),
    /**
     * Defaults of the per-camera alert settings (the /alerts page changes them per camera). Cooldown: the same person
     * is not alerted on again for this long after their alert closed (mask on, or left).
     */
    MASKWATCH_ALERT_COOLDOWN_S: z.coerce.number().int().min(0).max(3600).default(120),
    MASKWATCH_ALERT_REMINDER_S: z.coerce.number().int().min(0).max(3600).default(30),
    MASKWATCH_ALERT_MAX_REMINDERS: z.coerce.number().int().min(0).max(20).default(2),
    /**
     * The alert rule's thresholds as JSON, each optional (defaults in apps/server/src/alerts/AlertRule.ts), e.g.
     * {"minFaceSide": 40, "minDetScore": 0.8}.
     */
    MASKWATCH_ALERT_RULE: z
      .string()
      .transform((text, ctx) => {
        try {
          return JSON.parse(text) as unknown;
        } catch {
          ctx.addIssue({ code: 'custom', message: 'is not JSON (e.g. {"minFaceSide": 40})' });
          return z.NEVER;
        }
      })
      .pipe(RuleTuningSchema)
      .optional(),
    MASKWATCH_LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    MASKWATCH_LOG_FORMAT: z.enum(['json', 'pretty']).optional(),
    /** Lets clients other than this machine read `GET /metrics` with `Authorization: Bearer <token>`. */
    MASKWATCH_METRICS_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
    /** The model manifest the models page shows (the inference nodes read the same variable). */
    MASKWATCH_MODELS_MANIFEST: z.string().min(1).default(join(REPO_ROOT, 'models/manifest.json')),
    /** The first admin's password, used only when the database has no users yet (else a random one is printed). */
    MASKWATCH_ADMIN_PASSWORD: PasswordSchema.optional(),
    /** on: at this start, `admin` gets MASKWATCH_ADMIN_PASSWORD (or a printed random one) again; then set it off. */
    MASKWATCH_RESET_ADMIN: z.enum(['on', 'off']).default('off'),
    /** How long a sign-in lasts (absolute, not sliding): a control-room shift by default. */
    MASKWATCH_SESSION_HOURS: z.coerce.number().min(0.001).max(24 * 30).default(12),
    /**
     * A stop (SIGTERM, SIGINT, SIGHUP) may take this long: the server gives up closing cleanly a second before, and
     * `npm start` kills whatever is left after it. The inference nodes read the same variable.
     */
    MASKWATCH_STOP_GRACE_S: stopGrace,
    /** Extra host names the server answers to (a DNS name, a reverse proxy's), comma-separated. */
    MASKWATCH_ALLOWED_HOSTS: z
      .string()
      .default('')
      .transform((value) =>
        value
          .split(',')
          .map((s) => s.trim().toLowerCase())
          .filter(Boolean),
      )
      .pipe(z.array(z.string().regex(/^[a-z0-9.-]+$|^\[?[0-9a-f:.]+\]?$/, 'a host name or address'))),
  })
  .refine((env) => env.MASKWATCH_RTC_MIN_PORT < env.MASKWATCH_RTC_MAX_PORT, {
    path: ['MASKWATCH_RTC_MAX_PORT'],
    message: 'must be greater than MASKWATCH_RTC_MIN_PORT',
  })
  .refine((env) => (env.MASKWATCH_TLS_CERT === undefined) === (env.MASKWATCH_TLS_KEY === undefined), {
    path: ['MASKWATCH_TLS_KEY'],
    message: 'MASKWATCH_TLS_CERT and MASKWATCH_TLS_KEY go together',
  });

export type Config = {
  host: string;
  port: number;
  announcedIps: 'auto' | string[];
  rtcMinPort: number;
  rtcMaxPort: number;
  workers: number;
  tls: 'on' | 'off' | 'auto';
  tlsCert: string | undefined;
  tlsKey: string | undefined;
  dataDir: string;
  dbPath: string;
  webDir: string;
  serveWeb: 'on' | 'off' | 'auto';
  rtspMode: 'auto' | 'copy' | 'transcode';
  ffmpegPath: string;
  viewerTranscode: 'vp8' | 'off';
  inferenceSecret: string | undefined;
  inferenceListenIp: string;
  analysisRestartMs: number;
  analysisRebalanceMs: number;
  analysisLayerMargin: number;
  alerts: AlertConfig;
  metricsToken: string | undefined;
  modelsManifest: string;
  /** Never logged. */
  adminPassword: string | undefined;
  sessionHours: number;
  allowedHosts: string[];
  resetAdmin: boolean;
  /** After a stop signal, closing may take this long; then the process exits anyway. */
  stopDeadlineMs: number;
};


export type AlertConfig = {
  retentionDays: number;
  retentionBytes: number;
  cooldownSeconds: number;
  reminderSeconds: number;
  maxReminders: number;
  /** Overrides of the rule's thresholds (MASKWATCH_ALERT_RULE). */
  rule?: RuleTuning;
};

/** Thrown when the environment is wrong; the message names each bad variable. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

const KNOWN = new Set(Object.keys(EnvSchema.shape));
/** Variables whose values are never repeated in a message. */
const SECRET = new Set(['MASKWATCH_ADMIN_PASSWORD']);

/** Reads the configuration from `env` (process.env by default). Throws ConfigError naming the bad variables. */
export function loadConfig(env: Record<string, string | undefined> = process.env, cwd = process.cwd()): Config {
  const e = parseEnv(EnvSchema, KNOWN, env, (message) => new ConfigError(message), SECRET);
  const abs = (p: string) => (isAbsolute(p) ? p : resolve(cwd, p));
  const dataDir = abs(e.MASKWATCH_DATA_DIR);
  return {
    host: e.MASKWATCH_HOST,
    port: e.MASKWATCH_PORT,
    announcedIps: e.MASKWATCH_ANNOUNCED_IPS,
    rtcMinPort: e.MASKWATCH_RTC_MIN_PORT,
    rtcMaxPort: e.MASKWATCH_RTC_MAX_PORT,
    workers: e.MASKWATCH_WORKERS,
    tls: e.MASKWATCH_TLS,
    tlsCert: e.MASKWATCH_TLS_CERT && abs(e.MASKWATCH_TLS_CERT),
    tlsKey: e.MASKWATCH_TLS_KEY && abs(e.MASKWATCH_TLS_KEY),
    dataDir,
    dbPath: e.MASKWATCH_DB ? abs(e.MASKWATCH_DB) : join(dataDir, 'maskwatch.db'),
    webDir: abs(e.MASKWATCH_WEB_DIR),
    serveWeb: e.MASKWATCH_SERVE_WEB,
    rtspMode: e.MASKWATCH_RTSP_MODE,
    ffmpegPath: e.MASKWATCH_FFMPEG,
    viewerTranscode: e.MASKWATCH_VIEWER_TRANSCODE,
    inferenceSecret: e.MASKWATCH_INFERENCE_SECRET,
    inferenceListenIp: e.MASKWATCH_INFERENCE_LISTEN_IP,
    analysisRestartMs: e.MASKWATCH_ANALYSIS_RESTART_S * 1000,
    analysisRebalanceMs: e.MASKWATCH_ANALYSIS_REBALANCE_S * 1000,
    analysisLayerMargin: e.MASKWATCH_ANALYSIS_LAYER_MARGIN,
    alerts: {
      retentionDays: e.MASKWATCH_ALERT_RETENTION_DAYS,
      retentionBytes: e.MASKWATCH_ALERT_RETENTION_MB * 1024 * 1024,
      cooldownSeconds: e.MASKWATCH_ALERT_COOLDOWN_S,
      reminderSeconds: e.MASKWATCH_ALERT_REMINDER_S,
      maxReminders: e.MASKWATCH_ALERT_MAX_REMINDERS,
      rule: e.MASKWATCH_ALERT_RULE ?? {},
    },
    metricsToken: e.MASKWATCH_METRICS_TOKEN,
    modelsManifest: abs(e.MASKWATCH_MODELS_MANIFEST),
    adminPassword: e.MASKWATCH_ADMIN_PASSWORD,
    sessionHours: e.MASKWATCH_SESSION_HOURS,
    allowedHosts: e.MASKWATCH_ALLOWED_HOSTS,
    resetAdmin: e.MASKWATCH_RESET_ADMIN === 'on',
    stopDeadlineMs: stopDeadlineMs(e.MASKWATCH_STOP_GRACE_S),
  };
}

/** Variables read by other parts of Maskwatch (set-up scripts, models, vision, benchmarks), not by the server. */
const OTHER_PARTS = new Set([
  'MASKWATCH_SHARED',
  'MASKWATCH_VIDEOS_DIR',
  'MASKWATCH_SEED_PYTHON',
  'MASKWATCH_TRAIN_MINUTES',
  'MASKWATCH_WORKER_PREBUILT',
  'MASKWATCH_APT_EXTRA',
  'MASKWATCH_SCREENSHOTS',
  'MASKWATCH_LOG_NAME',
  // infra/start.mjs and the inference nodes (apps/inference/src/config/NodeConfig.ts)
  'MASKWATCH_INFERENCE_NODES',
  'MASKWATCH_INFERENCE_NICE',
  'MASKWATCH_SERVER_URL',
  'MASKWATCH_SERVER_CA',
  'MASKWATCH_NODE_ID',
  'MASKWATCH_NODE_NAME',
  'MASKWATCH_NODE_RTP_HOST',
  'MASKWATCH_NODE_RTP_PORTS',
  'MASKWATCH_NODE_MAX_CAMERAS',
  'MASKWATCH_ANALYSIS_MAX_BATCH',
  'MASKWATCH_ANALYSIS_FPS',
  'MASKWATCH_DETECTOR_INPUT',
  'MASKWATCH_ANALYSIS_MAX_SIDE',
  'MASKWATCH_MIN_FACE',
  'MASKWATCH_FULL_FRAME_S',
  'MASKWATCH_MOTION',
  'MASKWATCH_RECLASSIFY_EVERY',
  'MASKWATCH_CLASSIFIER',
  'MASKWATCH_DETECTOR',
  'MASKWATCH_EXECUTION_PROVIDER',
  'MASKWATCH_DECODER_HWACCEL',
  'MASKWATCH_INFERENCE_THREADS',
  'MASKWATCH_NODE_METRICS_PORT',
  'MASKWATCH_NODE_METRICS_HOST',
]);

/** Unknown MASKWATCH_* variables are likely typos: the caller logs them. */
export function unknownVariables(env: Record<string, string | undefined> = process.env): string[] {
  return Object.keys(env).filter((key) => key.startsWith('MASKWATCH_') && !KNOWN.has(key) && !OTHER_PARTS.has(key));
}

/**
 * Every wait of the server's time-driven services, in milliseconds: production values in SERVER_TIMING, and a test
 * passes shorter ones (`startTestServer({ timing: { analysis: { restartAfterMs: 1500 } } })`) so that it waits
 * milliseconds where the product waits seconds. Not environment settings: what an operator may tune is in Config.
 */
export type ServerTiming = {
  /** RTSP ingest (RtspIngest): retry backoff, how long an attempt may take to deliver and may stall, probe period. */
  ingest: { retryMinMs: number; retryMaxMs: number; liveTimeoutMs: number; stallMs: number; probeIntervalMs: number };
  /** Live analysis (InferenceManager): the analysis watchdog, node health, retries, how often they are looked at. */
  analysis: {
    stallMs: number;
    startTimeoutMs: number;
    /** How long a node may take to answer `camera:assign` (it answers once its decoder listens: seconds on a busy node). */
    assignTimeoutMs: number;
    /** Config's MASKWATCH_ANALYSIS_RESTART_S wins over this. */
    restartAfterMs: number;
    /** A node short of capacity this long gives a camera away; Config's MASKWATCH_ANALYSIS_REBALANCE_S wins. */
    rebalanceAfterMs: number;
    nodeTimeoutMs: number;
    helloTimeoutMs: number;
    retryMs: number;
    tickMs: number;
  };
  /** Alerts (AlertService): tracks of silent cameras end, retention runs, a snapshot may take. */
  alerts: { sweepMs: number; retentionIntervalMs: number; snapshotTimeoutMs: number };
  /** One metrics sample (console history, `metrics:update`) per this period. */
  metricsIntervalMs: number;
};

export const SERVER_TIMING: ServerTiming = {
  ingest: { retryMinMs: 1_000, retryMaxMs: 30_000, liveTimeoutMs: 20_000, stallMs: 5_000, probeIntervalMs: 250 },
  analysis: {
    stallMs: 5_000,
    startTimeoutMs: 20_000,
    assignTimeoutMs: 15_000,
    restartAfterMs: 30_000,
    rebalanceAfterMs: 30_000,
    nodeTimeoutMs: 5_000,
    helloTimeoutMs: 5_000,
    retryMs: 2_000,
    tickMs: 1_000,
  },
  alerts: { sweepMs: 1_000, retentionIntervalMs: 10 * 60_000, snapshotTimeoutMs: 2_000 },
  metricsIntervalMs: 5_000,
};

export type TimingOverrides = {
  [K in keyof ServerTiming]?: ServerTiming[K] extends object ? Partial<ServerTiming[K]> : ServerTiming[K];
};

/** `base` with `overrides` laid over it, group by group. */
export function withTiming(base: ServerTiming, overrides: TimingOverrides = {}): ServerTiming {
  return {
    ingest: { ...base.ingest, ...overrides.ingest },
    analysis: { ...base.analysis, ...overrides.analysis },
    alerts: { ...base.alerts, ...overrides.alerts },
    metricsIntervalMs: overrides.metricsIntervalMs ?? base.metricsIntervalMs,
  };
}

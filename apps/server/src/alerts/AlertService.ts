import { randomBytes } from 'node:crypto';
import { AlertRepository, type AlertPage } from '@maskwatch/db/AlertRepository';
import { AlertSettingsRepository } from '@maskwatch/db/AlertSettingsRepository';
import { ComplianceRepository } from '@maskwatch/db/ComplianceRepository';
import type { Database } from '@maskwatch/db/Database';
import { DbError } from '@maskwatch/db/DbError';
import {
  ALERT_SENTENCES,
  type Alert,
  type AlertChange,
  type AlertEvent,
  type AlertLabel,
  type AlertQuery,
  type AlertSay,
  type AlertSettings,
  type ComplianceQuery,
  type ComplianceResponse,
  type UpdateAlertSettings,
} from '@maskwatch/protocol/alerts';
import type { Camera } from '@maskwatch/protocol/camera';
import { MaskwatchError } from '@maskwatch/protocol/errors';
import type { FrameResult } from '@maskwatch/protocol/faces';
import type { AlertConfig } from '../config/Config.ts';
import { EnhancedEmitter } from '../EnhancedEmitter.ts';
import { createLogger } from '../logger.ts';
import { AlertRetention } from './AlertRetention.ts';
import { AlertRule, DEFAULT_RULE, type RuleDecision, type RuleSettings } from './AlertRule.ts';
import { ComplianceCounter } from './ComplianceCounter.ts';
import { attachLateSnapshot, persistAlert, type SnapshotImage } from './persistAlert.ts';
import type { AnalysisResults, ResultSource } from './ResultSource.ts';
import type { SnapshotStore } from './SnapshotStore.ts';

const log = createLogger('AlertService');

const COMPLIANCE_DAYS = 400;

export type AlertServiceOptions = {
  db: Database;
  /** The camera records (CameraService): names for alerts, existence for settings. */
  cameras: { get(id: string): Camera | undefined; list(): Camera[] };
  store: SnapshotStore;
  config: AlertConfig;
  /** The rule's confidence threshold for a classifier (the manifest's operating point). */
  operatingPoints: { alertMinScore(classifier: string): number };
  /** How long a snapshot may take before the alert is stored without one (telling the person matters more; 2 s). */
  snapshotTimeoutMs?: number;
  /** Tracks of cameras whose results stopped are ended, and finished minutes are written, this often (1 s). */
  sweepMs?: number;
  /** Retention runs this often (and at start; 10 min). */
  retentionIntervalMs?: number;
};

export type AlertServiceEvents = {
  /** An alert was stored or changed (always after the database write): push it. */
  alert: [event: AlertEvent];
  /** A new alert was decided, not stored yet: the person is told at once (the camera's page says the sentence). */
  say: [say: AlertSay];
};

type CameraState = {
  rule: AlertRule;
  counter: ComplianceCounter;
  /** Rule key -> stored alert id (undefined when storing failed). */
  ids: Map<number, string | undefined>;
  /** Decisions of one camera are applied in order: a reminder never overtakes the raise it belongs to. */
  chain: Promise<void>;
  classifier: string | undefined;
};

function toMaskwatchError(error: unknown): unknown {
  if (error instanceof DbError)
    return new MaskwatchError(error.code === 'invalid' ? 'bad_request' : error.code, error.message);
  return error;
}

/** What `within` gives for a promise still unsettled at its deadline. */
const LATE = Symbol('late');

/** `promise`'s value, or LATE if it has not settled within `ms` (it may still); a rejection passes through. */
function within<T>(promise: Promise<T>, ms: number): Promise<T | typeof LATE> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  return Promise.race([
    promise,
    new Promise<typeof LATE>((resolve) => {
      timer = setTimeout(() => resolve(LATE), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

/**
 * Alerts: runs the rule on every camera's results, stores each alert (snapshot files, then the row) before
 * emitting it, keeps per-minute compliance counts, applies retention, and answers the REST queries. Emits
 * `alert`; the signalling layer pushes it (it never pushes itself).
 */
export class AlertService extends EnhancedEmitter<AlertServiceEvents> {
  readonly #repo: AlertRepository;
  readonly #settings: AlertSettingsRepository;
  readonly #compliance: ComplianceRepository;
  readonly #retention: AlertRetention;
  readonly #options: AlertServiceOptions;
  readonly #cameras = new Map<string, CameraState>();
  readonly #detach: (() => void)[] = [];
  readonly #sweepTimer: ReturnType<typeof setInterval>;
  readonly #retentionTimer: ReturnType<typeof setInterval>;
  #source: AnalysisResults | undefined;
  #closed = false;

  constructor(options: AlertServiceOptions) {
    super();
    this.#options = options;
    this.#repo = new AlertRepository(options.db);
    this.#settings = new AlertSettingsRepository(options.db);
    this.#compliance = new ComplianceRepository(options.db);
    this.#retention = new AlertRetention(this.#repo, this.#compliance, options.store, {
      days: options.config.retentionDays,
      maxBytes: options.config.retentionBytes,
      complianceDays: COMPLIANCE_DAYS,
    });
    this.#sweepTimer = setInterval(() => this.#sweep(Date.now()), options.sweepMs ?? 1000);
    this.#sweepTimer.unref();
    this.#retentionTimer = setInterval(() => void this.runRetention(), options.retentionIntervalMs ?? 10 * 60_000);
    this.#retentionTimer.unref();
  }

  /** Retention, and the check that rows and files agree (after a crash); run at start and every 10 minutes. */
  runRetention(now?: number): Promise<unknown> {
    return this.#retention.run(now).catch((error: unknown) => log.error({ err: error }, 'retention failed'));
  }

  /** Listens to live analysis (one source at a time); returns the function that stops listening. */
  attach(source: AnalysisResults): () => void {
    const listener = (result: FrameResult, origin: ResultSource): void => this.handleResult(result, origin);
    source.on('results', listener);
    this.#source = source;
    const off = (): void => {
      source.off('results', listener);
      if (this.#source === source) this.#source = undefined;
    };
    this.#detach.push(off);
    return off;
  }

  /** One analysed frame of one camera. */
  handleResult(result: FrameResult, origin: ResultSource): void {
    if (this.#closed) return;
    const state = this.#state(result.cameraId);
    if (state.classifier !== origin.classifier) {
      state.classifier = origin.classifier;
      state.rule.settings = this.#ruleSettings(result.cameraId, origin.classifier);
    }
    state.counter.observe(result.ts, result.faces);
    const decisions = state.rule.observe(result);
    if (decisions.length > 0) this.#apply(result.cameraId, state, decisions, origin);
  }

  // ---- queries (REST) ----

  get(id: string): Alert {
    const alert = this.#repo.get(id);
    if (!alert) throw new MaskwatchError('not_found', `no alert ${id}`);
    return alert;
  }

  list(query: AlertQuery): AlertPage {
    try {
      return this.#repo.list(query, query.limit, query.cursor);
    } catch (error) {
      // The only invalid input the repository finds itself is a cursor that it did not make.
      if (error instanceof DbError && error.code === 'invalid') {
        const message = 'is not a cursor from this API';
        throw new MaskwatchError('bad_request', `invalid alert filters: cursor: ${message}`, [{ path: 'cursor', message }]);
      }
      throw error;
    }
  }

  recent(count: number): Alert[] {
    return count === 0 ? [] : this.#repo.list({}, count).alerts;
  }

  /** The JPEG bytes of an alert's snapshot or thumbnail; `not_found` when it has none. */
  async image(id: string, which: 'snapshot' | 'thumbnail'): Promise<Buffer> {
    const files = this.#repo.files(id);
    if (!files) {
      throw new MaskwatchError('not_found', this.#repo.get(id) ? `alert ${id} has no snapshot` : `no alert ${id}`);
    }
    try {
      return await this.#options.store.read(files[which]);
    } catch {
      // Retention removed it between the two reads, or it went missing: the next retention pass fixes the row.
      throw new MaskwatchError('not_found', `the snapshot of alert ${id} is gone`);
    }
  }

  acknowledge(ids: string[], by: string, note: string): { alerts: Alert[]; already: string[] } {
    let result: { alerts: Alert[]; already: string[] };
    try {
      result = this.#repo.acknowledge(ids, by, note, Date.now());
    } catch (error) {
      throw toMaskwatchError(error);
    }
    for (const alert of result.alerts) {
      if (!result.already.includes(alert.id)) this.#emit('acknowledged', alert, null);
    }
    log.info({ ids: ids.length, by }, 'alerts acknowledged');
    return result;
  }

  settingsOf(cameraId: string): AlertSettings {
    const stored = this.#settings.get(cameraId);
    const d = this.#options.config;
    return {
      cameraId,
      cooldownSeconds: stored?.cooldownSeconds ?? d.cooldownSeconds,
      reminderSeconds: stored?.reminderSeconds ?? d.reminderSeconds,
      maxReminders: stored?.maxReminders ?? d.maxReminders,
      consoleSpeaks: stored?.consoleSpeaks ?? false,
    };
  }

  listSettings(): AlertSettings[] {
    return this.#options.cameras.list().map((camera) => this.settingsOf(camera.id));
  }

  updateSettings(cameraId: string, changes: UpdateAlertSettings): AlertSettings {
    if (!this.#options.cameras.get(cameraId)) throw new MaskwatchError('not_found', `no camera ${cameraId}`);
    const next = { ...this.settingsOf(cameraId), ...changes };
    this.#settings.put(next);
    const state = this.#cameras.get(cameraId);
    if (state?.classifier !== undefined) state.rule.settings = this.#ruleSettings(cameraId, state.classifier);
    log.info({ cameraId, changes: Object.keys(changes) }, 'alert settings changed');
    return next;
  }

  compliance(query: ComplianceQuery): ComplianceResponse {
    return {
      from: query.from,
      to: query.to,
      bucketMinutes: query.bucketMinutes,
      series: this.#compliance.series(query.from, query.to, query.bucketMinutes, query.cameraId),
    };
  }

  /** Stops listening, waits for alerts being stored, writes the partial minutes; idempotent. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    clearInterval(this.#sweepTimer);
    clearInterval(this.#retentionTimer);
    for (const off of this.#detach.splice(0)) off();
    await Promise.all([...this.#cameras.values()].map((state) => state.chain));
    const now = Date.now();
    try {
      this.#compliance.add([...this.#cameras.values()].flatMap((state) => state.counter.take(now, true)));
    } catch (error) {
      log.error({ err: error }, 'could not write the last compliance minutes');
    }
    this.#cameras.clear();
  }

  // ---- internals ----

  #state(cameraId: string): CameraState {
    let state = this.#cameras.get(cameraId);
    if (!state) {
      state = {
        rule: new AlertRule(this.#ruleSettings(cameraId, undefined)),
        counter: new ComplianceCounter(cameraId),
        ids: new Map(),
        chain: Promise.resolve(),
        classifier: undefined,
      };
      this.#cameras.set(cameraId, state);
    }
    return state;
  }

  #ruleSettings(cameraId: string, classifier: string | undefined): RuleSettings {
    const settings = this.settingsOf(cameraId);
    return {
      ...DEFAULT_RULE,
      ...this.#options.config.rule,
      minScore: classifier === undefined ? 1 : this.#options.operatingPoints.alertMinScore(classifier),
      cooldownMs: settings.cooldownSeconds * 1000,
      reminderMs: settings.reminderSeconds * 1000,
      maxReminders: settings.maxReminders,
    };
  }

  #sweep(now: number): void {
    const minutes = [];
    for (const [cameraId, state] of this.#cameras) {
      const decisions = state.rule.sweep(now);
      if (decisions.length > 0) this.#apply(cameraId, state, decisions, undefined);
      minutes.push(...state.counter.take(now));
    }
    try {
      this.#compliance.add(minutes);
    } catch (error) {
      log.error({ err: error }, 'could not write compliance minutes');
    }
  }

  #apply(cameraId: string, state: CameraState, decisions: RuleDecision[], origin: ResultSource | undefined): void {
    const source = this.#source;
    state.chain = state.chain.then(async () => {
      for (const decision of decisions) {
        try {
          await this.#applyOne(cameraId, state, decision, origin, source);
        } catch (error) {
          log.error({ err: error, cameraId, decision: decision.kind }, 'could not store an alert change');
        }
      }
    });
  }

  async #applyOne(
    cameraId: string,
    state: CameraState,
    decision: RuleDecision,
    origin: ResultSource | undefined,
    source: AnalysisResults | undefined,
  ): Promise<void> {
    if (decision.kind === 'raise') {
      state.ids.set(decision.key, undefined);
      const alert = await this.#raise(cameraId, decision, origin, source);
      state.ids.set(decision.key, alert.id);
      this.#emit('raised', alert, decision.label);
      return;
    }
    const id = state.ids.get(decision.key);
    if (id === undefined) return; // its raise failed (logged there)
    switch (decision.kind) {
      case 'remind':
        this.#emit('reminded', this.#repo.remind(id, decision.at), decision.label);
        return;
      case 'reopen':
        this.#emit('reopened', this.#repo.reopen(id, decision.at, decision.told), decision.told ? decision.label : null);
        return;
      case 'resolve':
        this.#emit('resolved', this.#repo.resolve(id, decision.at), null);
        return;
      case 'end':
        state.ids.delete(decision.key);
        this.#emit('ended', this.#repo.end(id, decision.at), null);
        return;
    }
  }

  async #raise(
    cameraId: string,
    decision: Extract<RuleDecision, { kind: 'raise' }>,
    origin: ResultSource | undefined,
    source: AnalysisResults | undefined,
  ): Promise<Alert> {
    const { result, face } = decision;
    const id = `al_${randomBytes(8).toString('hex')}`;
    // The person first: the snapshot (a frame from the node) and the synced files take hundreds of ms.
    this.safeEmit('say', { alertId: id, cameraId, trackId: face.trackId, announce: this.#announce(decision.label, cameraId) });
    let image: SnapshotImage | undefined;
    /** The snapshot still on its way after the deadline: attached to the stored alert when it comes. */
    let late: Promise<SnapshotImage> | undefined;
    if (source && result.seq !== undefined) {
      const pending = source.snapshot(cameraId, result.seq, face.box, decision.blur, face.trackId);
      const timeoutMs = this.#options.snapshotTimeoutMs ?? 2000;
      try {
        const got = await within(pending, timeoutMs);
        if (got === LATE) {
          late = pending;
          log.warn({ cameraId, seq: result.seq, timeoutMs }, 'the snapshot took longer: alert stored without it for now');
        } else image = got;
      } catch (error) {
        log.warn({ err: error, cameraId, seq: result.seq }, 'alert stored without a snapshot');
      }
    }
    const raisedAt = Date.now();
    const alert = await persistAlert(
      this.#options.store,
      this.#repo,
      {
        id,
        cameraId,
        cameraName: this.#options.cameras.get(cameraId)?.name ?? cameraId,
        trackId: face.trackId,
        label: decision.label,
        confidence: decision.confidence,
        firstSeenAt: Math.round(decision.firstSeenAt),
        raisedAt,
        model: { name: origin?.classifier ?? 'unknown', sha256: origin?.classifierSha256 ?? '' },
        nodeId: origin?.nodeId ?? result.nodeId ?? null,
        latencyMs: Math.max(0, raisedAt - result.ts),
        box: face.box,
        frame: { width: result.width, height: result.height },
        frameSeq: result.seq ?? null,
        frameTs: result.ts,
      },
      image,
      (error) => log.warn({ err: error, cameraId, seq: result.seq }, 'alert stored without a snapshot'),
    );
    log.info(
      { alertId: id, cameraId, trackId: face.trackId, label: decision.label, latencyMs: alert.latencyMs },
      'alert raised',
    );
    if (late) void this.#lateSnapshot(alert, late);
    return alert;
  }

  /** A snapshot that missed its alert's deadline is stored when it comes, and the alert pushed again (`snapshot`). */
  async #lateSnapshot(alert: Alert, pending: Promise<SnapshotImage>): Promise<void> {
    const { id, cameraId } = alert;
    try {
      const image = await pending;
      if (this.#closed) return;
      const updated = await attachLateSnapshot(this.#options.store, this.#repo, alert, image);
      if (!updated) return;
      log.info({ alertId: id, cameraId, ms: Date.now() - alert.raisedAt }, 'late snapshot attached');
      this.#emit('snapshot', updated, null);
    } catch (error) {
      log.warn({ err: error, alertId: id, cameraId }, 'the late snapshot did not come either');
    }
  }

  #emit(change: AlertChange, alert: Alert, sayLabel: AlertLabel | null): void {
    const announce = sayLabel === null ? null : this.#announce(sayLabel, alert.cameraId);
    this.safeEmit('alert', { change, alert, announce });
  }

  #announce(label: AlertLabel, cameraId: string): NonNullable<AlertEvent['announce']> {
    return { label, sentence: ALERT_SENTENCES[label], console: this.settingsOf(cameraId).consoleSpeaks };
  }
}

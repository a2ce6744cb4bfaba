import { spawn, type ChildProcess } from 'node:child_process';
import type { Spawner } from './SpareSpawner.ts';
import { createInterface } from 'node:readline';
import { EnhancedEmitter } from '@maskwatch/common/EnhancedEmitter';
import { createLogger, type Logger } from '@maskwatch/common/logger';
import { tiedToParent } from './parentDeath.ts';
import { pickErrorLine } from './pickErrorLine.ts';
import {
  afterAttempt,
  afterProbe,
  DEFAULT_RETRY_TIMINGS,
  INITIAL_RETRY_STATE,
  probesDuring,
  type RetryState,
  type RetryTimings,
  type SourceState,
} from './RetryPolicy.ts';

/** What one attempt runs: ffmpeg's arguments, optional bytes for its stdin, and what to release when it ends. */
export type Prepared = { args: string[]; stdin?: string | Uint8Array; cleanup?: () => void };

/**
 * Why an attempt ended. exited: ffmpeg ended by itself; start-timeout / stalled: no alive() in time; restart: the
 * owner asked; prepare-failed: `prepare` threw; spawn-failed: ffmpeg could not be started; closed: close().
 */
export type ExitCause = 'exited' | 'start-timeout' | 'stalled' | 'restart' | 'prepare-failed' | 'spawn-failed' | 'closed';

export type ExitInfo = {
  attempt: number;
  code: number | null;
  signal: NodeJS.Signals | null;
  /** The sentence a person should read (shown in the camera's status). */
  reason: string;
  cause: ExitCause;
  /** The attempt's last stderr lines (redacted). */
  lines: string[];
  /** When the next attempt starts (0: at once); null when there is none (closed). A probe may start it sooner. */
  retryInMs: number | null;
};

export type FfmpegSupervisorEvents = {
  /** child.stdout is readable when options.stdout is true. */
  spawn: [child: ChildProcess, attempt: number];
  /** One stderr line, trimmed, non-empty, redacted. */
  line: [line: string];
  /** The first alive() of an attempt. */
  alive: [];
  /** Every attempt's end, with the reason a person should read. */
  exit: [info: ExitInfo];
};

export type FfmpegSupervisorOptions = {
  /** Log context (e.g. the camera id). */
  name: string;
  ffmpegPath: string;
  /**
   * Called per attempt (e.g. to create a transport or write an SDP). A throw is a failed attempt whose reason is the
   * error's message.
   */
  prepare(attempt: number): Promise<Prepared> | Prepared;
  /** Pipe stdout (default: ignored). The owner must read it, or ffmpeg blocks. */
  stdout?: boolean;
  /** How ffmpeg is started (default child_process.spawn; a SpareSpawner hands out one started ahead). */
  spawner?: Spawner;
  /** E.g. hide RTSP credentials; applied to every stderr line and every reason. */
  redact?(line: string): string;
  /** How to explain an exit ffmpeg chose itself, when no error line says it (default: the exit code and last line). */
  describeExit?(code: number | null, signal: NodeJS.Signals | null, lines: readonly string[]): string | undefined;
  /** Capped exponential backoff between failed attempts (default 1 s .. 30 s). */
  retryMinMs?: number;
  retryMaxMs?: number;
  /** Alive for this long resets the backoff (default 10 s). */
  stableMs?: number;
  /** No alive() this long after spawn ends the attempt ("no output within N s"); 0 = never (default 20 s). */
  startTimeoutMs?: number;
  /** alive() stopped for this long ends the attempt ("stalled for N s"); 0 = never (default 10 s). */
  stallMs?: number;
  /**
   * While waiting to retry, polled every probeIntervalMs (default 1 s): a cheap look at the source. When it comes
   * back (`ready` after `down` or `answers`), the next attempt starts at once, in a new backoff series
   * (RetryPolicy).
   */
  probe?: () => Promise<SourceState>;
  probeIntervalMs?: number;
  /** Whether an attempt's failure (its reason) says the source was not there: its next `ready` is a comeback. */
  sourceDown?(reason: string): boolean;
};

const MAX_LINES = 50;

type Attempt = {
  n: number;
  child: ChildProcess | undefined;
  cleanup: (() => void) | undefined;
  cleanedUp: boolean;
  lines: string[];
  spawnedAt: number;
  aliveSince: number | undefined;
  lastAlive: number;
  watchdog: NodeJS.Timeout | undefined;
  /** Set when we end it ourselves; its exit reports this cause and reason. */
  ended: { cause: ExitCause; reason: string; immediate: boolean } | undefined;
  finished: boolean;
};

/** The pause before the next attempt, and the probe loop that may cut it short. */
type Wait = { timer: NodeJS.Timeout; probeTimer: NodeJS.Timeout | undefined };

function seconds(ms: number): string {
  return `${Math.round(ms / 100) / 10} s`;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * One supervised ffmpeg: runs it, keeps its stderr tail, ends an attempt that shows no progress (the owner reports
 * progress with alive()), and starts the next attempt after a capped exponential backoff, or sooner when `probe`
 * says so. Every failure (a throw in `prepare`, a spawn error, a NUL byte in an argument, an error event) ends in an
 * `exit` with a reason and a scheduled retry; `cleanup` runs once per attempt. Children are killed with SIGKILL
 * when their attempt ends, and by the kernel when this process dies (setpriv --pdeathsig, see parentDeath.ts).
 */
export class FfmpegSupervisor extends EnhancedEmitter<FfmpegSupervisorEvents> {
  readonly #options: FfmpegSupervisorOptions;
  readonly #log: Logger;
  readonly #timings: RetryTimings;
  readonly #startTimeoutMs: number;
  readonly #stallMs: number;
  #attempts = 0;
  #spawns = 0;
  #retry: RetryState = INITIAL_RETRY_STATE;
  #current: Attempt | undefined;
  #lastLines: readonly string[] = [];
  /** The pending retry (timer and probe loop); a new wait replaces it. */
  #wait: Wait | undefined;
  #started = false;
  #closed = false;

  constructor(options: FfmpegSupervisorOptions) {
    super();
    this.#options = options;
    this.#log = createLogger('FfmpegSupervisor', { name: options.name });
    const retryMinMs = options.retryMinMs ?? DEFAULT_RETRY_TIMINGS.retryMinMs;
    this.#timings = {
      retryMinMs,
      retryMaxMs: Math.max(retryMinMs, options.retryMaxMs ?? DEFAULT_RETRY_TIMINGS.retryMaxMs),
      stableMs: options.stableMs ?? DEFAULT_RETRY_TIMINGS.stableMs,
      probeIntervalMs: options.probeIntervalMs ?? DEFAULT_RETRY_TIMINGS.probeIntervalMs,
    };
    this.#startTimeoutMs = options.startTimeoutMs ?? 20_000;
    this.#stallMs = options.stallMs ?? 10_000;
  }

  /** How many ffmpeg processes were started. */
  get spawns(): number {
    return this.#spawns;
  }

  /** Whether an ffmpeg process of the current attempt is running. */
  get running(): boolean {
    const child = this.#current?.child;
    return child !== undefined && !this.#current!.finished && child.exitCode === null && child.signalCode === null;
  }

  /** The stderr tail of the current attempt, or of the last one once it ended. */
  get lastLines(): readonly string[] {
    return this.#current?.lines ?? this.#lastLines;
  }

  get closed(): boolean {
    return this.#closed;
  }

  start(): void {
    if (this.#started || this.#closed) return;
    this.#started = true;
    void this.#run();
  }

  /** The owner saw progress (bytes, frames): keeps the attempt from timing out; the first one emits `alive`. */
  alive(): void {
    const attempt = this.#current;
    if (!attempt || attempt.ended || attempt.finished || !attempt.child) return;
    const now = Date.now();
    attempt.lastAlive = now;
    if (attempt.aliveSince === undefined) {
      attempt.aliveSince = now;
      this.#arm(attempt, this.#stallMs);
      this.safeEmit('alive');
    } else if (this.#retry.failures > 0 && now - attempt.aliveSince >= this.#timings.stableMs) {
      this.#retry = { ...this.#retry, failures: 0 };
    }
  }

  /** Ends the current attempt (or the wait for the next one); immediate = no backoff, and it is not a failure. */
  restart(reason: string, options: { immediate?: boolean } = {}): void {
    if (this.#closed || !this.#started) return;
    const immediate = options.immediate ?? false;
    const attempt = this.#current;
    if (attempt) {
      this.#end(attempt, 'restart', reason, immediate);
    } else if (immediate && this.#wait) {
      this.#cancelWait();
      void this.#run();
    }
  }

  /** Kills the child, runs its cleanup, starts no more attempts. Idempotent. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#cancelWait();
    if (this.#current) this.#end(this.#current, 'closed', 'closed', false);
  }

  async #run(): Promise<void> {
    if (this.#closed) return;
    const attempt: Attempt = {
      n: ++this.#attempts,
      child: undefined,
      cleanup: undefined,
      cleanedUp: false,
      lines: [],
      spawnedAt: Date.now(),
      aliveSince: undefined,
      lastAlive: 0,
      watchdog: undefined,
      ended: undefined,
      finished: false,
    };
    this.#current = attempt;
    let prepared: Prepared;
    try {
      prepared = await this.#options.prepare(attempt.n);
    } catch (error) {
      if (!attempt.ended) attempt.ended = { cause: 'prepare-failed', reason: this.#redact(messageOf(error)), immediate: false };
      this.#finish(attempt, null, null);
      return;
    }
    attempt.cleanup = prepared.cleanup;
    // close() or restart() while preparing: release what prepare made, without starting ffmpeg.
    if (attempt.ended) {
      this.#finish(attempt, null, null);
      return;
    }
    const nul = prepared.args.findIndex((arg) => arg.includes('\0'));
    if (nul >= 0) {
      attempt.ended = { cause: 'spawn-failed', reason: `cannot start ffmpeg: argument ${nul + 1} contains a NUL byte`, immediate: false };
      this.#finish(attempt, null, null);
      return;
    }
    const { command, args } = tiedToParent(this.#options.ffmpegPath, prepared.args);
    let child: ChildProcess;
    try {
      child = (this.#options.spawner ?? spawn)(command, args, {
        stdio: [prepared.stdin === undefined ? 'ignore' : 'pipe', this.#options.stdout ? 'pipe' : 'ignore', 'pipe'],
      });
    } catch (error) {
      attempt.ended = { cause: 'spawn-failed', reason: `cannot start ffmpeg: ${this.#redact(messageOf(error))}`, immediate: false };
      this.#finish(attempt, null, null);
      return;
    }
    this.#spawns++;
    attempt.child = child;
    attempt.spawnedAt = Date.now();
    this.#log.debug({ attempt: attempt.n, pid: child.pid }, 'ffmpeg started');

    child.once('error', (error) => {
      // ENOENT/EACCES (no such ffmpeg), or a kill that failed: the attempt is over either way.
      const line = `cannot run ${this.#options.ffmpegPath}: ${this.#redact(error.message)}`;
      this.#pushLine(attempt, line);
      if (child.pid === undefined) {
        if (!attempt.ended) attempt.ended = { cause: 'spawn-failed', reason: line, immediate: false };
        this.#finish(attempt, null, null);
      }
    });
    child.once('close', (code, signal) => this.#finish(attempt, code, signal));
    if (child.stderr) {
      const lines = createInterface({ input: child.stderr, crlfDelay: Infinity });
      lines.on('line', (raw) => {
        const line = this.#redact(raw.trim());
        if (line) this.#pushLine(attempt, line);
      });
    }
    if (child.stdin && prepared.stdin !== undefined) {
      // ffmpeg may exit before it reads everything: EPIPE is its exit's business, not ours.
      child.stdin.on('error', () => undefined);
      child.stdin.end(prepared.stdin);
    }
    if (this.#startTimeoutMs > 0) this.#arm(attempt, this.#startTimeoutMs);
    this.safeEmit('spawn', child, attempt.n);
  }

  #pushLine(attempt: Attempt, line: string): void {
    attempt.lines.push(line);
    if (attempt.lines.length > MAX_LINES) attempt.lines.shift();
    if (this.#current === attempt) this.safeEmit('line', line);
  }

  /** One timer per attempt: fires at the start deadline, then at lastAlive + stallMs (re-armed, not per alive()). */
  #arm(attempt: Attempt, inMs: number): void {
    clearTimeout(attempt.watchdog);
    attempt.watchdog = undefined;
    if (inMs <= 0 || attempt.ended || attempt.finished) return;
    attempt.watchdog = setTimeout(() => {
      attempt.watchdog = undefined;
      if (attempt.ended || attempt.finished) return;
      const now = Date.now();
      if (attempt.aliveSince === undefined) {
        this.#end(attempt, 'start-timeout', `no output within ${seconds(now - attempt.spawnedAt)}`, false);
        return;
      }
      if (this.#stallMs <= 0) return;
      const silent = now - attempt.lastAlive;
      if (silent >= this.#stallMs) this.#end(attempt, 'stalled', `stalled for ${seconds(silent)}`, false);
      else this.#arm(attempt, this.#stallMs - silent);
    }, inMs);
  }

  /** Ends an attempt we chose to end: kill the child, release its resources now; its exit follows. */
  #end(attempt: Attempt, cause: ExitCause, reason: string, immediate: boolean): void {
    if (attempt.ended || attempt.finished) return;
    attempt.ended = { cause, reason, immediate };
    clearTimeout(attempt.watchdog);
    const child = attempt.child;
    if (child && child.exitCode === null && child.signalCode === null) {
      child.kill('SIGKILL');
      this.#cleanup(attempt);
    } else if (child) {
      // It already exited; 'close' (pending its pipes) finishes the attempt.
      this.#cleanup(attempt);
    }
    // No child yet: prepare() is running, and #run finishes the attempt when it returns.
  }

  #cleanup(attempt: Attempt): void {
    if (attempt.cleanedUp) return;
    attempt.cleanedUp = true;
    try {
      attempt.cleanup?.();
    } catch (error) {
      this.#log.error({ err: error, attempt: attempt.n }, 'cleanup threw');
    }
  }

  #finish(attempt: Attempt, code: number | null, signal: NodeJS.Signals | null): void {
    if (attempt.finished) return;
    attempt.finished = true;
    clearTimeout(attempt.watchdog);
    this.#cleanup(attempt);
    if (this.#current === attempt) {
      this.#current = undefined;
      this.#lastLines = attempt.lines;
    }
    const ended = attempt.ended;
    const cause: ExitCause = this.#closed ? 'closed' : (ended?.cause ?? 'exited');
    // A clean exit (code 0: e.g. the input ended) is not explained by the warnings it logged on the way.
    const reason =
      ended?.reason ??
      (code === 0
        ? (this.#options.describeExit?.(code, signal, attempt.lines) ?? 'ffmpeg ended by itself')
        : (pickErrorLine(attempt.lines) ??
          this.#options.describeExit?.(code, signal, attempt.lines) ??
          `ffmpeg exited (${signal ?? `code ${code}`}): ${attempt.lines.at(-1) ?? 'no output'}`));
    let retryInMs: number | null = null;
    if (!this.#closed) {
      const next = afterAttempt(
        this.#retry,
        {
          immediate: ended?.immediate ?? false,
          ranStably: attempt.aliveSince !== undefined && attempt.lastAlive - attempt.aliveSince >= this.#timings.stableMs,
          sourceDown: this.#options.sourceDown?.(reason) ?? false,
        },
        this.#timings,
      );
      this.#retry = next.state;
      retryInMs = next.delayMs;
    }
    const info: ExitInfo = { attempt: attempt.n, code, signal, reason, cause, lines: [...attempt.lines], retryInMs };
    const log = cause === 'closed' || cause === 'restart' ? this.#log.debug.bind(this.#log) : this.#log.warn.bind(this.#log);
    log({ attempt: attempt.n, code, signal, cause, reason, retryInMs, lastLines: attempt.lines.slice(-3) }, 'ffmpeg attempt ended');
    if (retryInMs !== null) this.#scheduleRetry(retryInMs);
    this.safeEmit('exit', info);
  }

  #scheduleRetry(delayMs: number): void {
    this.#cancelWait();
    const timer = setTimeout(() => {
      this.#cancelWait();
      void this.#run();
    }, delayMs);
    const wait: Wait = { timer, probeTimer: undefined };
    this.#wait = wait;
    const probe = this.#options.probe;
    if (!probe || !probesDuring(delayMs, this.#timings)) return;
    const poll = (): void => {
      wait.probeTimer = setTimeout(() => {
        wait.probeTimer = undefined;
        probe().then(
          (source) => {
            if (this.#wait !== wait) return;
            const { state, retryNow } = afterProbe(this.#retry, source);
            this.#retry = state;
            if (!retryNow) return poll();
            this.#log.info('the probe says the source is back: retrying now');
            this.#cancelWait();
            void this.#run();
          },
          (error: unknown) => {
            this.#log.debug({ err: error }, 'probe failed');
            if (this.#wait === wait) poll();
          },
        );
      }, this.#timings.probeIntervalMs);
    };
    poll();
  }

  #cancelWait(): void {
    if (!this.#wait) return;
    clearTimeout(this.#wait.timer);
    clearTimeout(this.#wait.probeTimer);
    this.#wait = undefined;
  }

  #redact(line: string): string {
    return this.#options.redact ? this.#options.redact(line) : line;
  }
}

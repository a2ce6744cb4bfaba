import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { createLogger } from '@maskwatch/common/logger';

const log = createLogger('SpareSpawner');

/** How a supervisor starts its process (child_process.spawn, or one that may hand out a process started earlier). */
export type Spawner = (command: string, args: readonly string[], options: SpawnOptions & { stdio: StdioPipes }) => ChildProcess;
export type StdioPipes = ['pipe' | 'ignore', 'pipe' | 'ignore', 'pipe' | 'ignore'];

/** The spares' stdio: a process that reads its input (an SDP) from stdin waits there until it is given one. */
const SPARE_STDIO: StdioPipes = ['pipe', 'pipe', 'pipe'];

const alive = (child: ChildProcess): boolean => child.pid !== undefined && child.exitCode === null && child.signalCode === null;
const ignore = (): void => undefined;

/**
 * Keeps one process started ahead, waiting on its stdin, for the command line started last (or primed): the next
 * start of that command line gets it at once. For the node's decoders: an ffmpeg reads its SDP from stdin, and its
 * own start (loading its libraries) took 260-330 ms on the loaded 2-core machine where, started ahead, the SDP
 * was read and the RTP port bound 7-14 ms after it was written; that time came before a new camera's first frame.
 *
 * A spare is replaced `refillMs` (5 s) after it was taken, not at once: the camera that took it is starting then, and
 * its first alert's snapshot (rendered on the node, 2 s allowed) comes within about 2 s; a new ffmpeg's start is
 * CPU taken from it. The owner closes it (the spare is killed); spares are started like any child, so a command tied
 * to its parent's life (`tiedToParent`) dies with the process too.
 */
export class SpareSpawner {
  readonly #refillMs: number;
  #spare: { key: string; child: ChildProcess } | undefined;
  #next: { command: string; args: readonly string[]; key: string } | undefined;
  #timer: NodeJS.Timeout | undefined;
  #taken = 0;
  #closed = false;

  constructor(options: { refillMs?: number } = {}) {
    this.#refillMs = options.refillMs ?? 5000;
  }

  /** How many starts got a spare. */
  get taken(): number {
    return this.#taken;
  }

  /** Starts a spare of `command args` now (e.g. the decoder's command line at the node's start). */
  prime(command: string, args: readonly string[]): void {
    this.#next = { command, args: [...args], key: keyOf(command, args) };
    this.#refill();
  }

  /** A Spawner: the spare when it is this command line, with the spares' stdio, and still running; else a new process. */
  readonly spawn: Spawner = (command, args, options) => {
    const key = keyOf(command, args);
    if (options.stdio.some((pipe, i) => pipe !== SPARE_STDIO[i])) return spawn(command, [...args], options);
    const spare = this.#spare;
    this.#spare = undefined;
    let child: ChildProcess;
    if (spare && spare.key === key && alive(spare.child)) {
      spare.child.off('error', ignore);
      child = spare.child;
      this.#taken++;
    } else {
      if (spare) this.#kill(spare.child);
      child = spawn(command, [...args], options);
    }
    this.#next = { command, args: [...args], key };
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => this.#refill(), this.#refillMs);
    return child;
  };

  close(): void {
    this.#closed = true;
    clearTimeout(this.#timer);
    if (this.#spare) this.#kill(this.#spare.child);
    this.#spare = undefined;
  }

  #refill(): void {
    const next = this.#next;
    if (this.#closed || !next) return;
    if (this.#spare && this.#spare.key === next.key && alive(this.#spare.child)) return;
    if (this.#spare) this.#kill(this.#spare.child);
    try {
      const child = spawn(next.command, [...next.args], { stdio: SPARE_STDIO });
      // Errors before it is taken (no such command) are the next start's business: it then starts its own.
      child.on('error', ignore);
      child.stdin?.on('error', ignore);
      this.#spare = { key: next.key, child };
    } catch (error) {
      log.debug({ err: error }, 'spare not started');
    }
  }

  #kill(child: ChildProcess): void {
    child.stdin?.destroy();
    if (alive(child)) child.kill('SIGKILL');
  }
}

function keyOf(command: string, args: readonly string[]): string {
  return JSON.stringify([command, ...args]);
}

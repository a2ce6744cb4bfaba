import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createLogger } from '@maskwatch/common/logger';

const SETPRIV = '/usr/bin/setpriv';
const log = createLogger('parentDeath');
let usable: boolean | undefined;

/**
 * Whether children can be tied to our life: `setpriv --pdeathsig KILL` (util-linux) has the kernel kill the child
 * when the thread that spawned it dies, even by SIGKILL, where no exit handler of ours runs. Checked once (it can
 * exist and still fail, e.g. under a seccomp profile that forbids prctl).
 */
export function canTieToParent(): boolean {
  if (usable === undefined) {
    usable =
      process.platform === 'linux' &&
      existsSync(SETPRIV) &&
      spawnSync(SETPRIV, ['--pdeathsig', 'KILL', '--', 'true'], { stdio: 'ignore', timeout: 5_000 }).status === 0;
    if (!usable)
      log.warn(`${SETPRIV} --pdeathsig is not available: ffmpeg children will outlive this process if it is killed -9`);
  }
  return usable;
}

/**
 * The command line that runs `command args` and kills it with SIGKILL when this process dies. Node spawns from the
 * main thread's loop, whose death is the process's death, so the signal comes when the process goes.
 */
export function tiedToParent(command: string, args: readonly string[]): { command: string; args: string[] } {
  return canTieToParent()
    ? { command: SETPRIV, args: ['--pdeathsig', 'KILL', '--', command, ...args] }
    : { command, args: [...args] };
}

/** Processes as /proc shows them: a process's direct children, by name. Linux only, as the tests are. */
import { readdirSync, readFileSync } from 'node:fs';

/** `/proc/<pid>/stat` split after the command name (whose parentheses may hold anything), or undefined when gone. */
function statOf(pid: number): { comm: string; fields: string[] } | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return {
      comm: stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')')),
      fields: stat.slice(stat.lastIndexOf(')') + 2).split(' '),
    };
  } catch {
    return undefined;
  }
}

/** Direct children of `pid`, only those whose command name is `name` when given. */
export function childrenOf(pid: number, name?: string): number[] {
  const found: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = statOf(Number(entry));
    if (stat && Number(stat.fields[1]) === pid && (name === undefined || stat.comm === name)) found.push(Number(entry));
  }
  return found;
}

/** CPU seconds (user + system) and resident memory of a process, zeros once it is gone. */
export function usageOf(pid: number): { cpuS: number; rssMb: number } {
  const stat = statOf(pid);
  if (!stat) return { cpuS: 0, rssMb: 0 };
  const ticks = 100;
  const cpuS = (Number(stat.fields[11]) + Number(stat.fields[12])) / ticks;
  let rssMb = 0;
  try {
    const rss = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    rssMb = rss ? Number(rss[1]) / 1024 : 0;
  } catch {
    // gone meanwhile
  }
  return { cpuS, rssMb };
}

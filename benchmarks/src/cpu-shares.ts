// Who used the machine's CPU between two moments: each process's user + system time from
// /proc/<pid>/stat, grouped by a name the caller gives (sipp, kamailio, postgres, a node…), over
// the wall time between the two; what no process used is idle. Used during a benchmark step to say
// what bound it when every peer shares the same few cores. (Not /proc/stat's idle counter: in this
// VM it is sampled per tick and disagreed with the processes' own times by a third of a core.)
import { readdirSync, readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';

/** Clock ticks per second of /proc/<pid>/stat's times (USER_HZ: 100 on Linux). */
const USER_HZ = 100;

/** Each process's CPU ticks (USER_HZ) at one wall time (ms). */
export interface CpuSnapshot {
  readonly at: number;
  /** By pid: its name, its CPU ticks, and its start time (clock ticks after boot), which tells a reused pid. */
  readonly processes: ReadonlyMap<number, { readonly comm: string; readonly ticks: number; readonly start: number }>;
}

/** Reads every /proc/<pid>/stat (processes that vanish meanwhile are skipped). */
export function cpuSnapshot(): CpuSnapshot {
  const at = performance.now();
  const processes = new Map<number, { comm: string; ticks: number; start: number }>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const text = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // comm is in parentheses and may hold spaces: the fields after it start past the last ')'
      const close = text.lastIndexOf(')');
      const comm = text.slice(text.indexOf('(') + 1, close);
      const rest = text.slice(close + 2).split(' ');
      // rest[0] is field 3 (state): utime and stime are fields 14 and 15, starttime field 22
      processes.set(Number(entry), { comm, ticks: Number(rest[11]) + Number(rest[12]), start: Number(rest[19]) });
    } catch {
      // gone between readdir and read
    }
  }
  return { at, processes };
}

/**
 * Each group's share of the machine between `before` and `after`, in percent of one core (so two
 * cores make 200), with `idle` and `other` (processes `groupOf` leaves out) beside them.
 * A process started in between counts from its start.
 */
export function cpuShares(before: CpuSnapshot, after: CpuSnapshot, cores: number, groupOf: (pid: number, comm: string) => string | undefined): Record<string, number> {
  const elapsed = ((after.at - before.at) / 1000) * USER_HZ;
  const shares: Record<string, number> = {};
  if (elapsed <= 0) return shares;
  const percent = (ticks: number): number => Math.round((ticks / elapsed) * 1000) / 10;
  const ticksBy = new Map<string, number>();
  for (const [pid, now] of after.processes) {
    const was = before.processes.get(pid);
    // the same process when its start time is (not its name: a kernel worker's names its current
    // work, `kworker/u8:0-writeback`, and a changed name once counted its whole life's ticks here)
    const used = now.ticks - (was !== undefined && was.start === now.start ? was.ticks : 0);
    if (used <= 0) continue;
    const group = groupOf(pid, now.comm) ?? 'other';
    ticksBy.set(group, (ticksBy.get(group) ?? 0) + used);
  }
  let used = 0;
  for (const [group, ticks] of [...ticksBy].sort((a, b) => b[1] - a[1])) {
    shares[group] = percent(ticks);
    used += ticks;
  }
  shares.idle = Math.max(0, Math.round(cores * 1000 - percent(used) * 10) / 10);
  return shares;
}

/** `sipp 61%, node-a 48%, … idle 3%` (percent of one core). */
export function formatShares(shares: Readonly<Record<string, number>>): string {
  return Object.entries(shares)
    .map(([group, share]) => `${group} ${share}%`)
    .join(', ');
}

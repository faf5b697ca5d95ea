/**
 * CPU time and memory of a server and all of its processes, from Linux /proc:
 *   - the process tree under a root pid, through /proc/<pid>/task/<tid>/children;
 *   - CPU: utime + stime of each live process, plus cutime + cstime (children that exited and were
 *     reaped by a parent in the tree, e.g. Dovecot's one-shot pop3 processes), from /proc/<pid>/stat;
 *   - memory: VmRSS from /proc/<pid>/status, summed over the tree (shared pages count once per
 *     process, as `ps` shows them); PSS from /proc/<pid>/smaps_rollup on request, which splits
 *     shared pages fairly and is the honest sum for a multi-process server.
 * The parsers are pure and unit-tested; the sampler polls at a fixed interval and keeps the peak.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

export interface StatFields {
  readonly pid: number;
  readonly comm: string;
  readonly state: string;
  readonly ppid: number;
  /** Clock ticks. */
  readonly utime: number;
  readonly stime: number;
  readonly cutime: number;
  readonly cstime: number;
  /** Resident pages. */
  readonly rssPages: number;
}

/** Parses /proc/<pid>/stat; the command name may hold spaces and parentheses. */
export function parseStat(text: string): StatFields {
  const open = text.indexOf('(');
  const close = text.lastIndexOf(')');
  if (open === -1 || close === -1 || close < open) throw new Error(`not a /proc stat line: ${text.slice(0, 80)}`);
  const pid = Number(text.slice(0, open).trim());
  const comm = text.slice(open + 1, close);
  // Fields after the name, numbered from 3 (state) as in proc(5).
  const f = text.slice(close + 2).trim().split(/\s+/);
  const field = (n: number): number => Number(f[n - 3]);
  return {
    pid,
    comm,
    state: f[0] ?? '?',
    ppid: field(4),
    utime: field(14),
    stime: field(15),
    cutime: field(16),
    cstime: field(17),
    rssPages: field(24),
  };
}

/** "VmRSS:     1234 kB" from /proc/<pid>/status, in bytes; 0 for kernel threads / zombies. */
export function parseStatusRss(text: string): number {
  const m = /^VmRSS:\s+(\d+)\s+kB/m.exec(text);
  return m === null ? 0 : Number(m[1]) * 1024;
}

/** "Pss:  1234 kB" from /proc/<pid>/smaps_rollup, in bytes. */
export function parsePss(text: string): number {
  const m = /^Pss:\s+(\d+)\s+kB/m.exec(text);
  return m === null ? 0 : Number(m[1]) * 1024;
}

export interface ProcSample {
  readonly pid: number;
  readonly stat: StatFields;
  readonly rssBytes: number;
}

export interface TreeSample {
  readonly at: number;
  readonly processes: readonly ProcSample[];
  /** Sum over the tree, in seconds: own time of live processes plus reaped children's. */
  readonly cpuSeconds: number;
  readonly rssBytes: number;
}

let clockTicks: number | undefined;
export function clockTicksPerSecond(): number {
  if (clockTicks === undefined) {
    try {
      clockTicks = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      clockTicks = 100;
    }
  }
  return clockTicks;
}

/** Sums a tree's samples: CPU in seconds (ticks / hz), RSS in bytes. */
export function sumTree(processes: readonly ProcSample[], hz: number): { cpuSeconds: number; rssBytes: number } {
  let ticks = 0;
  let rss = 0;
  for (const p of processes) {
    ticks += p.stat.utime + p.stat.stime + p.stat.cutime + p.stat.cstime;
    rss += p.rssBytes;
  }
  return { cpuSeconds: ticks / hz, rssBytes: rss };
}

function readOrUndefined(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

/** The pids of the tree rooted at `root` (root first), breadth first; bounded in size. */
export function processTree(root: number, maxProcesses = 50_000): number[] {
  const out: number[] = [];
  const queue = [root];
  const seen = new Set<number>();
  while (queue.length > 0 && out.length < maxProcesses) {
    const pid = queue.shift()!;
    if (seen.has(pid)) continue;
    seen.add(pid);
    let tasks: string[];
    try {
      tasks = readdirSync(`/proc/${pid}/task`);
    } catch {
      continue; // gone
    }
    out.push(pid);
    for (const tid of tasks) {
      const children = readOrUndefined(`/proc/${pid}/task/${tid}/children`);
      if (!children) continue;
      for (const c of children.trim().split(/\s+/)) if (c) queue.push(Number(c));
    }
  }
  return out;
}

export function sampleTree(root: number): TreeSample {
  const processes: ProcSample[] = [];
  for (const pid of processTree(root)) {
    const statText = readOrUndefined(`/proc/${pid}/stat`);
    const statusText = readOrUndefined(`/proc/${pid}/status`);
    if (statText === undefined || statusText === undefined) continue;
    processes.push({ pid, stat: parseStat(statText), rssBytes: parseStatusRss(statusText) });
  }
  const { cpuSeconds, rssBytes } = sumTree(processes, clockTicksPerSecond());
  return { at: Date.now(), processes, cpuSeconds, rssBytes };
}

/** PSS of the whole tree (slower than RSS: the kernel walks the page tables). */
export function treePss(root: number): number {
  let total = 0;
  for (const pid of processTree(root)) total += parsePss(readOrUndefined(`/proc/${pid}/smaps_rollup`) ?? '');
  return total;
}

/** Polls a tree while a measurement runs; the peak RSS and the CPU used between start and stop. */
export class TreeSampler {
  private timer: NodeJS.Timeout | undefined;
  private first: TreeSample | undefined;
  private last: TreeSample | undefined;
  peakRssBytes = 0;
  peakProcesses = 0;
  samples = 0;

  constructor(
    private readonly root: number,
    private readonly intervalMs = 200,
  ) {}

  start(): this {
    this.first = this.take();
    this.timer = setInterval(() => this.take(), this.intervalMs);
    return this;
  }

  stop(): { cpuSeconds: number; peakRssBytes: number; startRssBytes: number; endRssBytes: number; peakProcesses: number } {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    const end = this.take();
    const start = this.first ?? end;
    return {
      cpuSeconds: Math.max(0, end.cpuSeconds - start.cpuSeconds),
      peakRssBytes: this.peakRssBytes,
      startRssBytes: start.rssBytes,
      endRssBytes: end.rssBytes,
      peakProcesses: this.peakProcesses,
    };
  }

  private take(): TreeSample {
    const s = sampleTree(this.root);
    this.samples++;
    this.last = s;
    if (s.rssBytes > this.peakRssBytes) this.peakRssBytes = s.rssBytes;
    if (s.processes.length > this.peakProcesses) this.peakProcesses = s.processes.length;
    return s;
  }

  get latest(): TreeSample | undefined {
    return this.last;
  }
}

function cpuFields(text: string): number[] {
  const line = text.split('\n').find((l) => l.startsWith('cpu '));
  // user nice system idle iowait irq softirq steal guest guest_nice; guest time is inside user.
  return line ? line.trim().split(/\s+/).slice(1).map(Number) : [];
}

/** CPU seconds this machine's own work kept its CPUs busy (not idle, iowait or steal) since boot, from /proc/stat. */
export function parseMachineBusy(text: string, hz: number): number {
  const f = cpuFields(text);
  return ((f[0] ?? 0) + (f[1] ?? 0) + (f[2] ?? 0) + (f[5] ?? 0) + (f[6] ?? 0)) / hz;
}

/**
 * CPU seconds the hypervisor gave this VM's CPUs to others while they had work (steal): on a
 * shared VM the cause of slow windows that no process of this machine explains.
 */
export function parseMachineSteal(text: string, hz: number): number {
  return (cpuFields(text)[7] ?? 0) / hz;
}

export function machineBusySeconds(): number {
  return parseMachineBusy(readOrUndefined('/proc/stat') ?? '', clockTicksPerSecond());
}

export function machineStealSeconds(): number {
  return parseMachineSteal(readOrUndefined('/proc/stat') ?? '', clockTicksPerSecond());
}

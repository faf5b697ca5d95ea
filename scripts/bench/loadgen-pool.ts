/**
 * The bench's side of the load generator processes (loadgen.ts): fork, request/response over IPC,
 * and one measured run against a target with the server's process tree sampled during the window.
 */
import { fork, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { REPO_ROOT } from '../../src/cli/testing/server-process.js';
import type { FromLoadgen, Job, JobResult, ToLoadgen } from './loadgen.js';
import { machineBusySeconds, machineStealSeconds, sampleTree, TreeSampler } from './proc-stats.js';
import type { Target } from './targets.js';

const LOADGEN = path.join(REPO_ROOT, 'scripts/bench/loadgen.ts');

export class Loadgen {
  private readonly listeners = new Set<(m: FromLoadgen) => void>();
  private exitError: Error | undefined;

  private constructor(readonly proc: ChildProcess) {
    proc.on('message', (m: FromLoadgen) => {
      for (const l of [...this.listeners]) l(m);
    });
    proc.on('exit', (code, signal) => {
      this.exitError = new Error(`load generator exited (${code ?? signal})`);
      for (const l of [...this.listeners]) l({ type: 'error', message: this.exitError.message });
    });
  }

  static async start(): Promise<Loadgen> {
    const proc = fork(LOADGEN, [], { cwd: REPO_ROOT, execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'], serialization: 'advanced' });
    const gen = new Loadgen(proc);
    await gen.waitFor('ready', 60_000);
    return gen;
  }

  on(l: (m: FromLoadgen) => void): () => void {
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  }

  send(msg: ToLoadgen): void {
    if (this.exitError) throw this.exitError;
    this.proc.send(msg);
  }

  /** The next message of `type`; rejects on an 'error' message, exit or timeout. */
  waitFor<T extends FromLoadgen['type']>(type: T, timeoutMs: number): Promise<Extract<FromLoadgen, { type: T }>> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        off();
        reject(new Error(`load generator: no '${type}' within ${timeoutMs} ms`));
      }, timeoutMs);
      const off = this.on((m) => {
        if (m.type === type) {
          clearTimeout(timer);
          off();
          resolve(m as Extract<FromLoadgen, { type: T }>);
        } else if (m.type === 'error') {
          clearTimeout(timer);
          off();
          reject(new Error(`load generator: ${m.message}`));
        }
      });
    });
  }

  async stop(): Promise<void> {
    if (this.proc.exitCode !== null || this.proc.signalCode !== null) return;
    const exited = new Promise((r) => this.proc.once('exit', r));
    try {
      this.proc.send({ type: 'exit' } satisfies ToLoadgen);
    } catch {
      this.proc.kill('SIGTERM');
    }
    const t = setTimeout(() => this.proc.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(t);
  }
}

export interface ServerUsage {
  readonly cpuSeconds: number;
  readonly peakRssBytes: number;
  readonly startRssBytes: number;
  readonly endRssBytes: number;
  readonly peakProcesses: number;
  /** CPU of the load generator processes during the window. */
  readonly loadgenCpuSeconds: number;
  /** CPU the rest of the machine used during the window (other work on a shared machine). */
  readonly otherCpuSeconds: number;
  /** CPU time the hypervisor took from this VM during the window (steal). */
  readonly stealSeconds: number;
  readonly windowSeconds: number;
  /** How long the run waited for the rest of the machine to quieten before it began (settleMachine). */
  readonly settleWaitSeconds: number;
  /** False when the machine was still busy when the wait gave up. */
  readonly settled: boolean;
}

export interface LoadRun {
  readonly result: JobResult;
  readonly server: ServerUsage;
}

export function mergeResults(results: readonly JobResult[]): JobResult {
  const errorKinds: Record<string, number> = {};
  for (const r of results) for (const [k, v] of Object.entries(r.errorKinds)) errorKinds[k] = (errorKinds[k] ?? 0) + v;
  return {
    kind: results[0]!.kind,
    windowMs: Math.max(...results.map((r) => r.windowMs)),
    completed: results.reduce((s, r) => s + r.completed, 0),
    octets: results.reduce((s, r) => s + r.octets, 0),
    errors: results.reduce((s, r) => s + r.errors, 0),
    errorKinds,
    latencies: results.flatMap((r) => r.latencies),
    droppedSamples: results.reduce((s, r) => s + r.droppedSamples, 0),
    notes: results.flatMap((r) => r.notes),
  };
}

let runCounter = 0;

/**
 * A shared machine (or the kernel still writing back the previous scenario's gigabyte) makes a
 * window measure the neighbours: before each measured window, wait until the whole machine is
 * nearly idle (the target and the generators are idle then too) for one interval, or give up after
 * SETTLE_MAX_MS and say so in the row. Polling /proc/stat is the only way to see other work.
 */
const SETTLE_INTERVAL_MS = 500;
const SETTLE_MAX_MS = 30_000;
/** Busy cores below which the machine counts as quiet (idle Node processes, the bench itself). */
const SETTLE_BUSY_CORES = 0.15;

export async function settleMachine(): Promise<{ waitSeconds: number; settled: boolean }> {
  const start = performance.now();
  for (;;) {
    // Steal counts as busy here: a neighbour VM that takes our CPUs disturbs a window as much.
    const busy0 = machineBusySeconds() + machineStealSeconds();
    const t0 = performance.now();
    await delay(SETTLE_INTERVAL_MS);
    const cores = (machineBusySeconds() + machineStealSeconds() - busy0) / ((performance.now() - t0) / 1000);
    const waited = (performance.now() - start) / 1000;
    if (cores < SETTLE_BUSY_CORES) return { waitSeconds: waited, settled: true };
    if (waited * 1000 >= SETTLE_MAX_MS) return { waitSeconds: waited, settled: false };
  }
}

/**
 * Runs one job per load generator (same start), sampling the target's process tree from the first
 * 'measure-start' to the last 'measure-end' (or over the whole run with `whole`).
 */
export async function runLoad(target: Target, gens: readonly Loadgen[], jobs: readonly Job[], opts: { whole?: boolean; timeoutMs: number; sampleMs?: number }): Promise<LoadRun> {
  const used = gens.slice(0, jobs.length);
  // Warm-up passes (whole) are not measured: no need to wait for them.
  const settle = opts.whole ? { waitSeconds: 0, settled: true } : await settleMachine();
  const sampler = new TreeSampler(target.pid, opts.sampleMs ?? 200);
  let started = false;
  let ends = 0;
  let usage: ServerUsage | undefined;
  const genCpu = (): number => used.reduce((s, g) => s + sampleTree(g.proc.pid!).cpuSeconds, 0) + process.cpuUsage().user / 1e6 + process.cpuUsage().system / 1e6;
  let mark = { at: 0, machine: 0, steal: 0, gens: 0 };
  const begin = (): void => {
    if (!started) {
      started = true;
      mark = { at: performance.now(), machine: machineBusySeconds(), steal: machineStealSeconds(), gens: genCpu() };
      sampler.start();
    }
  };
  const finish = (): void => {
    if (!usage) {
      begin();
      const server = sampler.stop();
      const machine = machineBusySeconds() - mark.machine;
      const gens = genCpu() - mark.gens;
      usage = {
        ...server,
        loadgenCpuSeconds: gens,
        otherCpuSeconds: Math.max(0, machine - gens - server.cpuSeconds),
        stealSeconds: machineStealSeconds() - mark.steal,
        windowSeconds: (performance.now() - mark.at) / 1000,
        settleWaitSeconds: settle.waitSeconds,
        settled: settle.settled,
      };
    }
  };
  if (opts.whole) begin();
  const id = ++runCounter;
  const offs = used.map((g) =>
    g.on((m) => {
      if (opts.whole) return;
      if (m.type === 'measure-start' && m.id === id) begin();
      if (m.type === 'measure-end' && m.id === id && ++ends === used.length) finish();
    }),
  );
  try {
    const results = await Promise.all(
      used.map((g, i) => {
        const p = g.waitFor('result', opts.timeoutMs);
        g.send({ type: 'run', job: jobs[i]!, id });
        return p;
      }),
    );
    finish();
    return { result: mergeResults(results.map((r) => r.result)), server: usage! };
  } finally {
    finish();
    for (const off of offs) off();
  }
}

/** Splits `items` into `n` nearly equal contiguous parts (some may be empty). */
export function split<T>(items: readonly T[], n: number): T[][] {
  const out: T[][] = [];
  const size = Math.ceil(items.length / n);
  for (let i = 0; i < n; i++) out.push(items.slice(i * size, (i + 1) * size));
  return out;
}

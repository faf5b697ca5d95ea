/**
 * The scenarios of `npm run bench` (see run.ts): load shapes, warm-up, the rows they report, and the
 * target checks. Each scenario drives one target through the load generator processes.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { REPO_ROOT } from '../../src/cli/testing/server-process.js';
import { HUGE, PROBE, retrUsers, sessionUsers, type MailPlan, type User } from './fixtures.js';
import type { IdleJob, RetrJob, SessionsJob } from './loadgen.js';
import { runLoad, split, type Loadgen, type LoadRun } from './loadgen-pool.js';
import { sampleTree, treePss } from './proc-stats.js';
import type { Row, ScenarioId, Skip, TargetCheck } from './report.js';
import { fmt, ratio, summarize } from './stats.js';
import type { Target } from './targets.js';
export interface Options {
  only: Set<ScenarioId>;
  smoke: boolean;
  dovecot: boolean;
  seconds: number;
  idle: number;
  dovecotIdle: number;
  loadgenProcs: number;
  outDir: string | undefined;
  profileDir: string | undefined;
  keep: boolean;
  entry: string | undefined;
  render: string | undefined;
}


// --- progress ---------------------------------------------------------------------------------

export const t0 = Date.now();
export function progress(msg: string): void {
  process.stderr.write(`[bench +${((Date.now() - t0) / 1000).toFixed(1).padStart(6)}s] ${msg}\n`);
}


// --- the bench --------------------------------------------------------------------------------

export interface Ctx {
  o: Options;
  tmp: string;
  plan: MailPlan;
  rows: Row[];
  skipped: Skip[];
  notes: string[];
  failures: string[];
  /** Share of a core other processes used in each measured window. */
  otherLoad: number[];
  /** Steal per measured window, in cores. */
  stealLoad: number[];
  gens: Loadgen[];
  mailRoot: string;
  blobs: { m5: string; m100: string; huge: string | undefined };
  profileCount: number;
}

const MB = 1_000_000;

/** "5 MB", "100 MB", "256 KB": binary multiples, as the fixtures are sized. */
export function sizeLabel(octets: number): string {
  return octets >= 2 ** 20 ? `${+(octets / 2 ** 20).toFixed(1)} MB` : `${+(octets / 1024).toFixed(1)} KB`;
}

export function sizes(smoke: boolean): MailPlan['sizes'] {
  return smoke ? { m5: 256 * 1024, m100: 2 * 2 ** 20, huge: 16 * 2 ** 20 } : { m5: 5 * 2 ** 20, m100: 100 * 2 ** 20, huge: 2 ** 30 };
}

export function concurrencies(o: Options): number[] {
  return o.smoke ? [5, 40] : [20, 500];
}

function sessionRow(scenario: ScenarioId, target: string, load: string, run: LoadRun): Row {
  const r = run.result;
  return measuredRow(scenario, target, load, run, r.completed, 'sessions/s', {
    serverCpuPerSessionMs: r.completed > 0 ? (run.server.cpuSeconds * 1000) / r.completed : undefined,
    maxProcesses: run.server.peakProcesses,
  });
}

function retrRow(scenario: ScenarioId, target: string, load: string, run: LoadRun): Row {
  return measuredRow(scenario, target, load, run, run.result.octets / MB, 'MB/s');
}

/** A row of a measured window: `amount` of work done in it, per second, with the window's latency, errors and CPU. */
function measuredRow(scenario: ScenarioId, target: string, load: string, run: LoadRun, amount: number, unit: string, extra: Row['extra'] = {}): Row {
  const r = run.result;
  const lat = summarize(r.latencies);
  return {
    scenario,
    target,
    load,
    value: r.windowMs > 0 ? amount / (r.windowMs / 1000) : undefined,
    unit,
    p50Ms: lat.p50,
    p99Ms: lat.p99,
    errors: r.errors,
    errorKinds: r.errorKinds,
    cpuSeconds: run.server.cpuSeconds,
    peakRssBytes: run.server.peakRssBytes,
    seconds: r.windowMs / 1000,
    count: r.completed,
    extra: { ...extra, ...cpuExtra(run) },
    note: [...r.notes, settleNote(run)].filter(Boolean).join('; ') || undefined,
  };
}

function settleNote(run: LoadRun): string | undefined {
  return run.server.settled ? undefined : `the machine was still busy after waiting ${run.server.settleWaitSeconds.toFixed(0)} s for it to quieten`;
}

function cpuExtra(run: LoadRun): Record<string, number> {
  const s = run.server;
  return { loadgenCpuSeconds: s.loadgenCpuSeconds, otherCpuSeconds: s.otherCpuSeconds, stealSeconds: s.stealSeconds, sampledSeconds: s.windowSeconds, settleWaitSeconds: s.settleWaitSeconds };
}

export function report(ctx: Ctx, row: Row): void {
  ctx.rows.push(row);
  const err = row.errors > 0 ? ` ${row.errors} errors ${JSON.stringify(row.errorKinds ?? {})}` : ' 0 errors';
  const other = row.extra?.otherCpuSeconds as number | undefined;
  const gen = row.extra?.loadgenCpuSeconds as number | undefined;
  const steal = row.extra?.stealSeconds as number | undefined;
  const cpus = gen === undefined ? '' : `, load generator ${fmt(gen, 2)} s, other processes ${fmt(other, 2)} s, steal ${fmt(steal, 2)} s`;
  progress(`${row.scenario} ${row.target} ${row.load}: ${fmt(row.value, row.unit === 'sessions/s' ? 0 : 1)} ${row.unit}, p50 ${fmt(row.p50Ms, 2)} ms, p99 ${fmt(row.p99Ms, 2)} ms,${err}, server CPU ${fmt(row.cpuSeconds, 2)} s${cpus}`);
  const secs = row.extra?.sampledSeconds as number | undefined;
  if (other !== undefined && secs !== undefined && secs > 0) ctx.otherLoad.push(other / secs);
  if (steal !== undefined && secs !== undefined && secs > 0) ctx.stealLoad.push(steal / secs);
}

export function sessionsJobs(ctx: Ctx, target: Target, users: readonly User[], concurrency: number, opts: { warm?: boolean } = {}): SessionsJob[] {
  const n = Math.min(ctx.gens.length, concurrency);
  const parts = split(users, n);
  const per = split(Array.from({ length: concurrency }, (_, i) => i), n).map((p) => p.length);
  const seconds = ctx.o.seconds;
  return parts.map((u, i) => ({
    kind: 'sessions',
    host: target.host,
    port: target.port,
    users: u,
    concurrency: per[i]!,
    timeoutMs: 30_000,
    warmupMs: opts.warm ? 0 : Math.min(2000, seconds * 300),
    durationMs: opts.warm ? 600_000 : seconds * 1000,
    maxSessions: 5_000_000,
    rounds: opts.warm ? 1 : undefined,
  }));
}

export function retrJobs(ctx: Ctx, target: Target, users: readonly User[], minOctets: number, opts: { warm?: boolean; timeoutMs?: number; maxRetrs?: number; durationMs?: number } = {}): RetrJob[] {
  // One connection per user; connections spread over the generators.
  const n = Math.min(ctx.gens.length, users.length);
  const seconds = Math.max(ctx.o.seconds * 0.8, 0.5);
  return split(users, n).map((u) => ({
    kind: 'retr',
    host: target.host,
    port: target.port,
    users: u,
    msg: 1,
    minOctets,
    timeoutMs: opts.timeoutMs ?? 120_000,
    warmupMs: opts.warm || opts.maxRetrs ? 0 : Math.min(1000, seconds * 150),
    durationMs: opts.durationMs ?? (opts.warm ? 600_000 : seconds * 1000),
    maxRetrs: opts.maxRetrs ?? (opts.warm ? u.length : 1_000_000),
  }));
}

/** One pass over every user (state files, Dovecot indexes, page cache, JIT), then one RETR per big message. */
export async function warmUp(ctx: Ctx, target: Target, users: readonly User[]): Promise<void> {
  progress(`warming up ${target.name}: one session per user (${users.length})`);
  const run = await runLoad(target, ctx.gens, sessionsJobs(ctx, target, users, Math.min(50, users.length), { warm: true }), { timeoutMs: 900_000, whole: true });
  if (run.result.errors > 0) ctx.notes.push(`${target.name}: ${run.result.errors} errors during the warm-up pass ${JSON.stringify(run.result.errorKinds)}`);
  for (const prefix of ['m5', 'm100'] as const) {
    const u = retrUsers(prefix, ctx.plan.retrConnections);
    await runLoad(target, ctx.gens, retrJobs(ctx, target, u, 0, { warm: true }), { timeoutMs: 900_000, whole: true });
  }
}

export async function scenarioA(ctx: Ctx, target: Target, users: readonly User[], scenario: ScenarioId = 'a', name = target.name): Promise<Row[]> {
  const out: Row[] = [];
  for (const c of concurrencies(ctx.o)) {
    progress(`${scenario} ${name}: sessions at ${c} concurrent clients for ${ctx.o.seconds} s`);
    const run = await runLoad(target, ctx.gens, sessionsJobs(ctx, target, users.slice(0, Math.max(c, Math.min(users.length, 500))), c), { timeoutMs: ctx.o.seconds * 1000 + 120_000 });
    const row = sessionRow(scenario, name, `c=${c}`, run);
    report(ctx, row);
    out.push(row);
  }
  return out;
}

export async function scenarioB(ctx: Ctx, target: Target, kinds: ReadonlyArray<'m5' | 'm100'> = ['m5', 'm100']): Promise<void> {
  for (const prefix of kinds) {
    const size = prefix === 'm5' ? ctx.plan.sizes.m5 : ctx.plan.sizes.m100;
    for (const conns of [1, ctx.plan.retrConnections]) {
      const label = `${sizeLabel(size)} x${conns}`;
      progress(`b ${target.name}: RETR ${label} for ${ctx.o.seconds} s`);
      const run = await runLoad(target, ctx.gens, retrJobs(ctx, target, retrUsers(prefix, conns), size), { timeoutMs: ctx.o.seconds * 1000 + 300_000 });
      report(ctx, retrRow('b', target.name, label, run));
    }
  }
}

export async function scenarioRaw(ctx: Ctx, target: Target): Promise<void> {
  for (const conns of [1, ctx.plan.retrConnections]) {
    progress(`b raw loopback: ${conns} connection(s) for ${ctx.o.seconds} s`);
    const seconds = Math.max(ctx.o.seconds * 0.8, 0.5);
    const per = split(
      Array.from({ length: conns }, (_, i) => i),
      Math.min(ctx.gens.length, conns),
    ).map((p) => p.length);
    const run = await runLoad(
      target,
      ctx.gens,
      per.map((n) => ({ kind: 'raw', host: target.host, port: target.port, connections: n, warmupMs: Math.min(1000, seconds * 150), durationMs: seconds * 1000 })),
      { timeoutMs: seconds * 1000 + 60_000 },
    );
    report(ctx, retrRow('b', target.name, `raw x${conns}`, run));
  }
}

/** Median RSS of the tree over a few samples. */
export async function steadyRss(pid: number, samples = 5, gapMs = 200): Promise<number> {
  const v: number[] = [];
  for (let i = 0; i < samples; i++) {
    v.push(sampleTree(pid).rssBytes);
    await new Promise((r) => setTimeout(r, gapMs));
  }
  v.sort((a, b) => a - b);
  return v[Math.floor(v.length / 2)]!;
}

export async function scenarioCD(ctx: Ctx, target: Target, sessions: number, runD: boolean): Promise<void> {
  const users = sessionUsers(sessions);
  // A few sessions first, so code paths are loaded before the baseline.
  await runLoad(target, ctx.gens, sessionsJobs(ctx, target, [PROBE], 1, { warm: true }), { timeoutMs: 60_000, whole: true });
  const rssBefore = await steadyRss(target.pid);
  const pssBefore = treePss(target.pid);
  progress(`c ${target.name}: logging ${sessions} sessions in and holding them (in two halves)`);
  const tLogin = Date.now();
  const cpuBefore = sampleTree(target.pid).cpuSeconds;
  const gens = ctx.gens.slice(0, Math.min(ctx.gens.length, users.length));
  // Two halves: the RSS after the first half gives the marginal cost of the second, which the
  // heap's step-wise growth and the start-up baseline do not blur.
  const halves = [users.slice(0, Math.floor(users.length / 2)), users.slice(Math.floor(users.length / 2))];
  let heldMsgs: Array<{ held: number; errors: number; errorKinds: Record<string, number> }> = [];
  let rssHalf = 0;
  let heldHalf = 0;
  for (const [h, half] of halves.entries()) {
    const parts = split(half, gens.length);
    const msgs = await Promise.all(
      gens.map((g, i) => {
        const p = g.waitFor('held', 700_000);
        const job: IdleJob = {
          kind: 'idle',
          host: target.host,
          port: target.port,
          users: parts[i]!,
          loginConcurrency: Math.max(1, Math.floor(100 / gens.length)),
          timeoutMs: 60_000,
          loginDeadlineMs: 600_000,
        };
        g.send({ type: 'run', job, id: 0 });
        return p;
      }),
    );
    // 'held' counts every session a generator holds so far; errors are per run.
    heldMsgs = msgs.map((m, i) => ({ held: m.held, errors: (heldMsgs[i]?.errors ?? 0) + m.errors, errorKinds: mergeKinds(heldMsgs[i]?.errorKinds ?? {}, m.errorKinds) }));
    if (h === 0) {
      await new Promise((r) => setTimeout(r, 1000));
      rssHalf = await steadyRss(target.pid);
      heldHalf = msgs.reduce((sum, m) => sum + m.held, 0);
    }
  }
  const loginSeconds = (Date.now() - tLogin) / 1000;
  const loginCpu = sampleTree(target.pid).cpuSeconds - cpuBefore;
  const held = heldMsgs.reduce((sum, m) => sum + m.held, 0);
  const errors = heldMsgs.reduce((sum, m) => sum + m.errors, 0);
  const errorKinds = heldMsgs.reduce<Record<string, number>>((acc, m) => mergeKinds(acc, m.errorKinds), {});
  await new Promise((r) => setTimeout(r, 2000));
  const rssWith = await steadyRss(target.pid);
  const pssWith = treePss(target.pid);
  const tree = sampleTree(target.pid);
  const perSession = held > 0 ? (rssWith - rssBefore) / held : undefined;
  const row: Row = {
    scenario: 'c',
    target: target.name,
    load: `${held} idle`,
    value: perSession === undefined ? undefined : perSession / 1024,
    unit: 'KiB/session',
    errors,
    errorKinds,
    cpuSeconds: loginCpu,
    peakRssBytes: rssWith,
    count: held,
    seconds: loginSeconds,
    extra: {
      rssBeforeBytes: rssBefore,
      rssWithBytes: rssWith,
      pssBeforeBytes: pssBefore,
      pssWithBytes: pssWith,
      pssPerSessionKiB: held > 0 ? (pssWith - pssBefore) / held / 1024 : undefined,
      processes: tree.processes.length,
      loginSeconds,
      loginsPerSecond: loginSeconds > 0 ? held / loginSeconds : undefined,
      rssHalfBytes: rssHalf,
      heldHalf,
      marginalKiBPerSession: held > heldHalf ? (rssWith - rssHalf) / (held - heldHalf) / 1024 : undefined,
    },
    note: `requested ${sessions}; RSS ${(rssBefore / 2 ** 20).toFixed(1)} -> ${(rssHalf / 2 ** 20).toFixed(1)} (${heldHalf} held) -> ${(rssWith / 2 ** 20).toFixed(1)} MiB; second half ${held > heldHalf ? ((rssWith - rssHalf) / (held - heldHalf) / 1024).toFixed(1) : '–'} KiB/session; PSS ${((pssWith - pssBefore) / Math.max(1, held) / 1024).toFixed(1)} KiB/session; CPU column = the login phase`,
  };
  report(ctx, row);
  if (runD) {
    const commands = ctx.o.smoke ? 100 : 2000;
    progress(`d ${target.name}: NOOP/STAT latency, ${commands} of each, with ${held} idle sessions held`);
    const cpu0 = sampleTree(target.pid).cpuSeconds;
    const g = ctx.gens[0]!;
    const p = g.waitFor('probe-result', 300_000);
    g.send({ type: 'probe', user: PROBE, commands });
    const { result } = await p;
    const cpu = sampleTree(target.pid).cpuSeconds - cpu0;
    for (const [verb, samples] of [
      ['NOOP', result.noop],
      ['STAT', result.stat],
    ] as const) {
      const s = summarize(samples);
      report(ctx, {
        scenario: 'd',
        target: target.name,
        load: `${verb}, ${held} idle`,
        value: s.mean === undefined ? undefined : 1000 / s.mean,
        unit: 'cmd/s',
        p50Ms: s.p50,
        p99Ms: s.p99,
        errors: result.errors,
        errorKinds: result.errorKinds,
        cpuSeconds: cpu,
        peakRssBytes: sampleTree(target.pid).rssBytes,
        count: s.count,
        extra: { maxMs: s.max },
      });
    }
  }
  progress(`c ${target.name}: closing the idle sessions`);
  await Promise.all(
    gens.map((g) => {
      const p = g.waitFor('released', 300_000);
      g.send({ type: 'release' });
      return p;
    }),
  );
}

export async function scenarioF(ctx: Ctx, target: Target): Promise<void> {
  const size = ctx.plan.sizes.huge!;
  // Warm the RETR path on a 5 MB message, then take the baseline.
  await runLoad(target, ctx.gens, retrJobs(ctx, target, retrUsers('m5', 1), 0, { warm: true }), { timeoutMs: 300_000, whole: true });
  const before = await steadyRss(target.pid);
  progress(`f ${target.name}: RETR of a ${(size / 2 ** 20).toFixed(0)} MiB message, RSS sampled every 100 ms`);
  const run = await runLoad(target, ctx.gens, retrJobs(ctx, target, [HUGE], size, { maxRetrs: 1, durationMs: 900_000, timeoutMs: 900_000 }), {
    timeoutMs: 1_000_000,
    whole: true,
    sampleMs: 100,
  });
  const row = retrRow('f', target.name, `${sizeLabel(size)} x1`, run);
  const growth = run.server.peakRssBytes - before;
  report(ctx, {
    ...row,
    extra: { rssBeforeBytes: before, peakRssBytes: run.server.peakRssBytes, rssGrowthBytes: growth },
    note: `RSS growth ${(growth / 2 ** 20).toFixed(1)} MiB (${(before / 2 ** 20).toFixed(1)} -> ${(run.server.peakRssBytes / 2 ** 20).toFixed(1)} MiB)`,
  });
}

export async function scenarioE(ctx: Ctx): Promise<void> {
  if (ctx.o.smoke) {
    ctx.skipped.push({ scenario: 'e', reason: 'not in --smoke (npm test runs the conformance suite already)' });
    return;
  }
  const entry = path.join(REPO_ROOT, 'src/cli/conformance-command.ts');
  if (!existsSync(entry)) {
    ctx.skipped.push({ scenario: 'e', reason: '`popcheck conformance` does not exist yet' });
    return;
  }
  progress('e: running the full conformance suite (popcheck conformance, bundled server)');
  const started = Date.now();
  const limitMs = 20 * 60_000;
  const { code, tailText } = await new Promise<{ code: number | null; tailText: string }>((resolve) => {
    const proc = spawn(process.execPath, ['--import', 'tsx', path.join(REPO_ROOT, 'src/cli/popcheck.ts'), 'conformance'], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, CI: 'true' } });
    let text = '';
    const keep = (d: Buffer): void => {
      text = (text + d.toString()).slice(-4000);
    };
    proc.stdout.on('data', keep);
    proc.stderr.on('data', keep);
    const timer = setTimeout(() => proc.kill('SIGKILL'), limitMs);
    proc.on('exit', (c) => {
      clearTimeout(timer);
      resolve({ code: c, tailText: text });
    });
  });
  const seconds = (Date.now() - started) / 1000;
  const last = tailText.trim().split('\n').slice(-3).join(' / ');
  if (code === 2) {
    ctx.skipped.push({ scenario: 'e', reason: `popcheck conformance exited 2 (usage): ${last}` });
    return;
  }
  report(ctx, {
    scenario: 'e',
    target: 'popcheck conformance',
    load: 'full suite',
    value: seconds,
    unit: 's',
    errors: code === 0 ? 0 : 1,
    seconds,
    note: `exit ${code}${code === null ? ' (killed at the time limit)' : ''}: ${last.slice(0, 300)}`,
  });
}

// --- targets ----------------------------------------------------------------------------------

export function checks(ctx: Ctx, dovecotNote: string | undefined): TargetCheck[] {
  const rows = ctx.rows;
  const find = (s: ScenarioId, target: string, load: string): Row | undefined => rows.find((r) => r.scenario === s && r.target === target && r.load === load);
  const out: TargetCheck[] = [];
  const pct = (x: number | undefined): string => (x === undefined ? '–' : `${(x * 100).toFixed(0)}%`);
  const x = (v: number | undefined): string => (v === undefined ? '–' : `${v.toFixed(2)}x`);
  const verdict = (ok: boolean | undefined): 'met' | 'not met' | 'n/a' => (ok === undefined ? 'n/a' : ok ? 'met' : 'not met');
  const ran = (s: ScenarioId): boolean => ctx.o.only.has(s);

  if (ran('a')) {
    for (const c of concurrencies(ctx.o)) {
      const p = find('a', 'popcheck', `c=${c}`);
      const d = find('a', 'Dovecot high-perf', `c=${c}`);
      const ceiling = find('a', 'memory responder', `c=${c}`);
      const r = ratio(p?.value, d?.value);
      const ok = r === undefined ? undefined : r >= 10 && p!.errors === 0;
      out.push({
        id: `a c=${c}`,
        goal: '≥10x Dovecot high-performance sessions/s, no errors',
        measured: `${fmt(p?.value, 0)} vs ${fmt(d?.value, 0)} sessions/s = ${x(r)}, ${p?.errors ?? '–'} errors; load-generator ceiling ${fmt(ceiling?.value, 0)}`,
        verdict: verdict(ok),
        why: r === undefined ? (dovecotNote ?? 'no Dovecot row') : undefined,
      });
    }
  }
  if (ran('b')) {
    for (const size of [sizeLabel(ctx.plan.sizes.m5), sizeLabel(ctx.plan.sizes.m100)]) {
      const p = find('b', 'popcheck', `${size} x1`);
      const dh = find('b', 'Dovecot high-perf', `${size} x1`);
      const dd = find('b', 'Dovecot default', `${size} x1`);
      const best = Math.max(dh?.value ?? 0, dd?.value ?? 0) || undefined;
      const raw = find('b', 'raw loopback socket', 'raw x1');
      const rd = ratio(p?.value, best);
      const rr = ratio(p?.value, raw?.value);
      out.push({
        id: `b ${size} x1 vs Dovecot`,
        goal: '≥4x Dovecot on one connection',
        measured: `${fmt(p?.value)} vs ${fmt(best)} MB/s = ${x(rd)}`,
        verdict: verdict(rd === undefined ? undefined : rd >= 4),
        why: rd === undefined ? (dovecotNote ?? 'no Dovecot row') : undefined,
      });
      out.push({
        id: `b ${size} x1 vs raw`,
        goal: '≥40% of a raw loopback socket',
        measured: `${fmt(p?.value)} vs ${fmt(raw?.value)} MB/s = ${pct(rr)}`,
        verdict: verdict(rr === undefined ? undefined : rr >= 0.4),
      });
    }
  }
  if (ran('c')) {
    const p = rows.find((r) => r.scenario === 'c' && r.target === 'popcheck');
    const held = p?.count ?? 0;
    const enough = held >= ctx.o.idle;
    out.push({
      id: `c ${ctx.o.idle} idle`,
      goal: '<30 KB server memory per session',
      measured: `${fmt(p?.value)} KiB/session (${held} held${p?.errors ? `, ${p.errors} login errors` : ''})`,
      verdict: p?.value === undefined ? 'n/a' : enough ? verdict(p.value * 1024 < 30_000) : 'not met',
      why: p && !enough ? `only ${held} of ${ctx.o.idle} sessions could be held` : undefined,
    });
  }
  if (ran('d')) {
    const worst = rows.filter((r) => r.scenario === 'd' && r.target === 'popcheck');
    const p99 = worst.length ? Math.max(...worst.map((r) => r.p99Ms ?? Infinity)) : undefined;
    out.push({
      id: 'd NOOP/STAT p99',
      goal: `p99 < 10 ms with ${ctx.o.idle} idle`,
      measured: worst.map((r) => `${r.load.split(',')[0]} p99 ${fmt(r.p99Ms, 2)} ms`).join(', ') || '–',
      verdict: verdict(p99 === undefined ? undefined : p99 < 10 && worst.every((r) => r.errors === 0)),
    });
  }
  if (ran('f')) {
    const p = rows.find((r) => r.scenario === 'f' && r.target === 'popcheck');
    const growth = p?.extra?.rssGrowthBytes as number | undefined;
    out.push({
      id: `f ${sizeLabel(ctx.plan.sizes.huge ?? 0)} RETR`,
      goal: 'server RSS growth < 64 MB',
      measured: growth === undefined ? '–' : `${(growth / 2 ** 20).toFixed(1)} MiB growth, ${fmt(p?.value)} MB/s, ${p?.errors} errors`,
      verdict: verdict(growth === undefined ? undefined : growth < 64 * 2 ** 20 && p!.errors === 0),
    });
  }
  if (ran('g')) {
    for (const c of concurrencies(ctx.o)) {
      const w1 = find('g', 'popcheck (1 worker)', `c=${c}`);
      const w2 = find('g', 'popcheck (2 workers)', `c=${c}`);
      const r = ratio(w2?.value, w1?.value);
      out.push({ id: `g c=${c}`, goal: '--workers 2 ≥1.6x 1 worker', measured: `${fmt(w2?.value, 0)} vs ${fmt(w1?.value, 0)} sessions/s = ${x(r)}`, verdict: verdict(r === undefined ? undefined : r >= 1.6) });
    }
  }
  return out;
}

export function mergeKinds(a: Record<string, number>, b: Record<string, number>): Record<string, number> {
  const out = { ...a };
  for (const [k, v] of Object.entries(b)) out[k] = (out[k] ?? 0) + v;
  return out;
}


/**
 * `npm run bench`: popcheck's performance against Dovecot (when it can run here) and against the
 * machine's own ceilings, in one run, written to docs/performance.md and docs/performance.json.
 * See `npm run bench -- --help` and docs/performance.md.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, promises as fs, readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { REPO_ROOT } from '../../src/cli/testing/server-process.js';
import { allUsers, buildMailRoot, HUGE, makeBlobs, PROBE, retrUsers, sessionUsers, type MailPlan } from './fixtures.js';
import { Loadgen, runLoad } from './loadgen-pool.js';
import { consoleTable, consoleTargets, renderMarkdown, type BenchReport, type MachineFacts, type ScenarioId } from './report.js';
import {
  checks,
  concurrencies,
  progress,
  scenarioA,
  scenarioB,
  scenarioCD,
  scenarioE,
  scenarioF,
  scenarioRaw,
  sessionsJobs,
  sizes,
  t0,
  warmUp,
  type Ctx,
  type Options,
} from './scenarios.js';
import { DovecotPeer, dovecotUnavailable, dovecotVersion, startPopcheck, startResponder, type DovecotVariant, type Target } from './targets.js';

const HELP = `usage: npm run bench -- [options]

Benchmarks the popcheck server (as a process) against Dovecot (default and high-performance
configurations, when scripts/peers/dovecot.sh can run) and against the machine's own ceilings (a
trivial in-memory POP3 responder, a raw loopback socket), with one load generator of its own in
separate processes. Prints a progress line per step and one table; writes docs/performance.md and
docs/performance.json.

Scenarios (--only takes their letters):
  a  full sessions/s (connect USER PASS STAT RETR QUIT) at 20 and 500 concurrent clients
  b  RETR throughput, 5 MB and 100 MB messages, 1 and 8 connections (+ raw loopback)
  c  10,000 logged-in idle sessions (Dovecot: 1,000): memory per session
  d  NOOP/STAT latency of one client while (c) is held (runs with c)
  e  wall time of the full conformance suite
  f  RETR of a 1 GB message: server RSS growth
  g  --workers 2 vs 1: sessions/s

Options:
  --only LIST          scenarios to run, e.g. a,b (default: all)
  --smoke              a few seconds of everything that runs without Dovecot (CI); writes to a
                       temporary folder unless --out-dir is given
  --no-dovecot         skip Dovecot even when it could run
  --seconds N          measured window of a, b and g in seconds (default 10; smoke 1)
  --idle N             idle sessions for c (default 10000; smoke 200)
  --dovecot-idle N     idle sessions for Dovecot in c (default 1000)
  --loadgen-procs N    load generator processes (default 1)
  --out-dir DIR        where performance.md/.json go (default docs/)
  --profile DIR        run popcheck under node --cpu-prof, profiles into DIR (one per server run)
  --render FILE.json   only re-write performance.md from an earlier performance.json (e.g. after
                       editing scripts/bench/analysis.md); runs nothing
  --keep               keep the temporary mail folder
  --popcheck-entry F   run this copy of src/cli/popcheck.ts instead (to measure a patched copy)
  -h, --help           this text

Exit codes: 0 when the bench ran (targets met or not: see the report), 1 when a scenario could not
run (a crash, or errors in --smoke), 2 on a usage error.`;

class UsageError extends Error {}

function parseOptions(argv: string[]): Options | 'help' {
  const o: Options = {
    only: new Set(['a', 'b', 'c', 'd', 'e', 'f', 'g']),
    smoke: false,
    dovecot: true,
    seconds: NaN,
    idle: NaN,
    dovecotIdle: 1000,
    loadgenProcs: 1,
    outDir: undefined,
    profileDir: undefined,
    keep: false,
    entry: undefined,
    render: undefined,
  };
  const num = (flag: string, v: string | undefined, min: number): number => {
    const n = Number(v);
    if (v === undefined || !Number.isFinite(n) || n < min) throw new UsageError(`${flag} needs a number of at least ${min}`);
    return n;
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    switch (a) {
      case '-h':
      case '--help':
        return 'help';
      case '--smoke':
        o.smoke = true;
        break;
      case '--no-dovecot':
        o.dovecot = false;
        break;
      case '--keep':
        o.keep = true;
        break;
      case '--only': {
        const list = (argv[++i] ?? '').split(',').map((s) => s.trim()).filter(Boolean);
        if (list.length === 0 || list.some((s) => !/^[a-g]$/.test(s))) throw new UsageError('--only takes scenario letters a-g, e.g. --only a,b');
        o.only = new Set(list as ScenarioId[]);
        if (o.only.has('d')) o.only.add('c');
        break;
      }
      case '--seconds':
        o.seconds = num(a, argv[++i], 0.2);
        break;
      case '--idle':
        o.idle = Math.floor(num(a, argv[++i], 1));
        break;
      case '--dovecot-idle':
        o.dovecotIdle = Math.floor(num(a, argv[++i], 1));
        break;
      case '--loadgen-procs':
        o.loadgenProcs = Math.floor(num(a, argv[++i], 1));
        break;
      case '--out-dir':
        o.outDir = argv[++i];
        if (!o.outDir) throw new UsageError('--out-dir needs a folder');
        break;
      case '--render':
        o.render = argv[++i];
        if (!o.render || !existsSync(o.render)) throw new UsageError('--render needs an existing performance.json');
        break;
      case '--popcheck-entry':
        o.entry = argv[++i];
        if (!o.entry || !existsSync(o.entry)) throw new UsageError('--popcheck-entry needs an existing file');
        o.entry = path.resolve(o.entry);
        break;
      case '--profile':
        o.profileDir = argv[++i];
        if (!o.profileDir) throw new UsageError('--profile needs a folder');
        break;
      default:
        throw new UsageError(`unknown option ${a} (see --help)`);
    }
  }
  if (Number.isNaN(o.seconds)) o.seconds = o.smoke ? 1 : 10;
  if (Number.isNaN(o.idle)) o.idle = o.smoke ? 200 : 10_000;
  if (o.smoke) o.dovecot = false;
  return o;
}

// --- machine ----------------------------------------------------------------------------------

function machineFacts(dovecot: string | undefined): MachineFacts {
  const cpuinfo = existsSync('/proc/cpuinfo') ? readFileSync('/proc/cpuinfo', 'utf8') : '';
  const model = /^model name\s*:\s*(.+)$/m.exec(cpuinfo)?.[1] ?? os.cpus()[0]?.model ?? 'unknown';
  let commit: string | undefined;
  try {
    commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: REPO_ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    commit = undefined;
  }
  return {
    cpuModel: model.trim(),
    cores: os.cpus().length,
    memoryBytes: os.totalmem(),
    node: process.version,
    kernel: os.release(),
    dovecot,
    date: new Date().toISOString(),
    commit,
    openFilesLimit: openFilesLimit()?.join(' / '),
  };
}

/** [soft, hard] open files limit of this process. */
function openFilesLimit(): [number, number] | undefined {
  try {
    const m = /^Max open files\s+(\d+|unlimited)\s+(\d+|unlimited)/m.exec(readFileSync('/proc/self/limits', 'utf8'));
    if (!m) return undefined;
    const n = (s: string): number => (s === 'unlimited' ? Infinity : Number(s));
    return [n(m[1]!), n(m[2]!)];
  } catch {
    return undefined;
  }
}

/** Raises a child's soft open-files limit up to its hard limit (prlimit); returns the soft limit now in force. */
function raiseNofile(pid: number, wanted: number): number | undefined {
  const lim = openFilesLimit();
  if (!lim) return undefined;
  const [soft, hard] = lim;
  if (soft >= wanted) return soft;
  const to = Math.min(wanted, hard);
  try {
    execFileSync('prlimit', ['--pid', String(pid), `--nofile=${to}:${hard === Infinity ? to : hard}`], { stdio: 'ignore' });
    return to;
  } catch {
    return soft;
  }
}

// --- main -------------------------------------------------------------------------------------

async function main(argv: string[]): Promise<number> {
  let o: Options | 'help';
  try {
    o = parseOptions(argv);
  } catch (err) {
    if (err instanceof UsageError) {
      process.stderr.write(`bench: ${err.message}\n`);
      return 2;
    }
    throw err;
  }
  if (o === 'help') {
    process.stdout.write(`${HELP}\n`);
    return 0;
  }
  if (o.render) {
    const rep = JSON.parse(readFileSync(o.render, 'utf8')) as BenchReport;
    const out = path.join(o.outDir ? path.resolve(o.outDir) : path.dirname(path.resolve(o.render)), 'performance.md');
    await fs.writeFile(out, renderMarkdown(rep, readAnalysis(rep.smoke)));
    process.stdout.write(`wrote ${out}\n`);
    return 0;
  }
  const dovecotNote = !o.dovecot ? (o.smoke ? 'no Dovecot in --smoke' : 'Dovecot skipped (--no-dovecot)') : await dovecotUnavailable();
  const useDovecot = dovecotNote === undefined;
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'popcheck-bench-'));
  // Dovecot's unprivileged processes must reach their files below it.
  chmodSync(tmp, 0o755);
  const plan: MailPlan = {
    sessionUsers: Math.max(o.only.has('c') ? o.idle : 0, o.smoke ? 40 : 500, useDovecot && o.only.has('c') ? o.dovecotIdle : 0),
    retrConnections: 8,
    sizes: { ...sizes(o.smoke), huge: o.only.has('f') ? sizes(o.smoke).huge : undefined },
  };
  const ctx: Ctx = {
    o,
    tmp,
    plan,
    rows: [],
    skipped: [],
    notes: [],
    failures: [],
    otherLoad: [],
    stealLoad: [],
    gens: [],
    mailRoot: path.join(tmp, 'popcheck-mail'),
    blobs: { m5: '', m100: '', huge: undefined },
    profileCount: 0,
  };
  const stopList: Array<() => Promise<void>> = [];
  const guard = async (what: string, fn: () => Promise<void>): Promise<void> => {
    try {
      await fn();
    } catch (err) {
      const msg = `${what}: ${err instanceof Error ? err.message : String(err)}`;
      ctx.failures.push(msg);
      ctx.notes.push(`FAILED ${msg.split('\n')[0]}`);
      progress(`FAILED ${msg}`);
    }
  };
  const withTarget = async (start: () => Promise<Target>, body: (t: Target) => Promise<void>): Promise<void> => {
    const t = await start();
    try {
      await body(t);
    } finally {
      await t.stop().catch((err: unknown) => ctx.notes.push(`stopping ${t.name}: ${String(err)}`));
    }
  };

  const lim = openFilesLimit();
  const needFds = o.idle + 1000;
  progress(`open files limit ${lim?.join('/') ?? '?'} (soft/hard); the idle scenario needs about ${needFds} per process`);
  if (o.only.has('c') && lim && lim[1] < needFds) {
    ctx.notes.push(`the hard open-files limit (${lim[1]}) is below what ${o.idle} idle sessions need (${needFds}); it cannot be raised without CAP_SYS_RESOURCE`);
  }

  try {
    progress(`temp folder ${tmp}`);
    const needBlobs = o.only.has('a') || o.only.has('b') || o.only.has('f') || o.only.has('g') || o.only.has('c');
    if (needBlobs) ctx.blobs = await makeBlobs(path.join(tmp, 'blobs'), plan, progress);
    progress(`laying out ${allUsers(plan).length} maildrops for popcheck`);
    await buildMailRoot(ctx.mailRoot, plan, ctx.blobs);
    for (let i = 0; i < o.loadgenProcs; i++) {
      const g = await Loadgen.start();
      raiseNofile(g.proc.pid!, needFds);
      ctx.gens.push(g);
    }
    stopList.push(async () => {
      await Promise.all(ctx.gens.map((g) => g.stop()));
    });
    const aUsers = sessionUsers(o.smoke ? 40 : 500);
    const baseUsers = [...aUsers, PROBE, ...retrUsers('m5', plan.retrConnections), ...retrUsers('m100', plan.retrConnections)];
    const log = (name: string): string => path.join(tmp, `${name}.log`);
    const profDir = (): string | undefined => (o.profileDir ? path.resolve(o.profileDir, `run-${++ctx.profileCount}`) : undefined);

    // popcheck: a and b on one server process.
    if (o.only.has('a') || o.only.has('b')) {
      await guard('popcheck a/b', () =>
        withTarget(
          () => startPopcheck({ entry: o.entry, mailRoot: ctx.mailRoot, users: baseUsers, workers: 1, logFile: log('popcheck-ab'), cpuProfDir: profDir() }),
          async (t) => {
            raiseNofile(t.pid, needFds);
            await warmUp(ctx, t, aUsers);
            if (o.only.has('a')) await scenarioA(ctx, t, aUsers);
            if (o.only.has('b')) await scenarioB(ctx, t);
          },
        ),
      );
      // The load generator's ceiling: the same dialogue from memory.
      await guard('memory responder', () =>
        withTarget(
          () => startResponder('pop3', [['s', firstFile(path.join(ctx.mailRoot, aUsers[0]![0], 'new'))], ['m5', ctx.blobs.m5], ['m100', ctx.blobs.m100]], log('responder')),
          async (t) => {
            if (o.only.has('a')) await scenarioA(ctx, t, aUsers);
            if (o.only.has('b')) await scenarioB(ctx, t);
          },
        ),
      );
      if (o.only.has('b')) await guard('raw loopback', () => withTarget(() => startResponder('raw', [], log('raw')), (t) => scenarioRaw(ctx, t)));
    }

    // Dovecot, both configurations.
    let peer: DovecotPeer | undefined;
    if (useDovecot && (o.only.has('a') || o.only.has('b') || o.only.has('c'))) {
      await guard('Dovecot setup', async () => {
        const p = new DovecotPeer(path.join(tmp, 'dovecot'), 20000 + Math.floor(Math.random() * 10000));
        progress(`Dovecot: scripts/peers/dovecot.sh start/stop in ${p.dir} (installs it when missing)`);
        await p.prepare(log('dovecot-sh'));
        const dovecotSessionUsers = Math.max(aUsers.length, o.only.has('c') ? o.dovecotIdle : 0);
        progress(`Dovecot: laying out ${dovecotSessionUsers} session maildrops + the RETR users`);
        await buildMailRoot(p.mailRoot, { ...plan, sizes: { ...plan.sizes, huge: undefined } }, { ...ctx.blobs, huge: undefined }, dovecotSessionUsers);
        await p.install([...sessionUsers(dovecotSessionUsers), PROBE, ...retrUsers('m5', plan.retrConnections), ...retrUsers('m100', plan.retrConnections)]);
        peer = p;
      });
    } else if (!useDovecot) {
      ctx.skipped.push({ scenario: 'a, b, c', target: 'Dovecot', reason: dovecotNote! });
    }
    const dovecotLimit = Math.max(600, o.dovecotIdle + 200);
    for (const variant of ['hp', 'default'] as DovecotVariant[]) {
      if (!peer) break;
      const p = peer;
      if (o.only.has('a') || o.only.has('b')) {
        await guard(`Dovecot ${variant} a/b`, () =>
          withTarget(
            () => p.start(variant, dovecotLimit),
            async (t) => {
              await warmUp(ctx, t, aUsers);
              if (o.only.has('a')) await scenarioA(ctx, t, aUsers);
              if (o.only.has('b')) await scenarioB(ctx, t);
            },
          ),
        );
      }
      if (o.only.has('c')) {
        await guard(`Dovecot ${variant} c/d`, () => withTarget(() => p.start(variant, dovecotLimit), (t) => scenarioCD(ctx, t, o.dovecotIdle, o.only.has('d'))));
      }
    }

    // popcheck: c and d on a fresh process.
    if (o.only.has('c')) {
      await guard('popcheck c/d', () =>
        withTarget(
          () => startPopcheck({ entry: o.entry, mailRoot: ctx.mailRoot, users: [...sessionUsers(o.idle), PROBE], workers: 1, logFile: log('popcheck-cd'), cpuProfDir: profDir() }),
          async (t) => {
            const soft = raiseNofile(t.pid, needFds);
            if (soft !== undefined && soft < needFds) ctx.notes.push(`popcheck's open-files limit is ${soft}, below the ${needFds} that ${o.idle} sessions need`);
            await scenarioCD(ctx, t, o.idle, o.only.has('d'));
          },
        ),
      );
    }

    // popcheck: f on a fresh process.
    if (o.only.has('f')) {
      await guard('popcheck f', () =>
        withTarget(
          () => startPopcheck({ entry: o.entry, mailRoot: ctx.mailRoot, users: [HUGE, PROBE, ...retrUsers('m5', 1)], workers: 1, logFile: log('popcheck-f'), cpuProfDir: profDir() }),
          (t) => scenarioF(ctx, t),
        ),
      );
    }

    // g: 1 worker vs 2, fresh processes, same load.
    if (o.only.has('g')) {
      for (const workers of [1, 2]) {
        const name = `popcheck (${workers} worker${workers > 1 ? 's' : ''})`;
        await guard(`popcheck g workers=${workers}`, () =>
          withTarget(
            () => startPopcheck({ entry: o.entry, mailRoot: ctx.mailRoot, users: [...aUsers, PROBE], workers, logFile: log(`popcheck-g${workers}`), cpuProfDir: profDir(), name }),
            async (t) => {
              await runLoad(t, ctx.gens, sessionsJobs(ctx, t, aUsers, Math.min(50, aUsers.length), { warm: true }), { timeoutMs: 600_000, whole: true });
              await scenarioA(ctx, t, aUsers, 'g', name);
            },
          ),
        );
      }
    }

    if (o.only.has('e')) await guard('conformance', () => scenarioE(ctx));
  } finally {
    for (const s of stopList.reverse()) await s().catch(() => undefined);
  }

  const busy = ctx.otherLoad.filter((x) => x > 0.15);
  if (busy.length > 0) {
    ctx.notes.push(
      `other processes (not the server, not the load generator) used more than 15% of a core in ${busy.length} of ${ctx.otherLoad.length} measured windows ` +
        `(up to ${(Math.max(...busy) * 100).toFixed(0)}%, median ${(ctx.otherLoad.sort((a, b) => a - b)[Math.floor(ctx.otherLoad.length / 2)]! * 100).toFixed(0)}%): ` +
        'the machine was shared, so throughput there is lower than on a quiet machine; the CPU-per-op column is the steadier figure (per-row figures in the JSON: extra.otherCpuSeconds)',
    );
  }
  const stolen = ctx.stealLoad.filter((x) => x > 0.15);
  if (stolen.length > 0) {
    ctx.notes.push(
      `the hypervisor took more than 15% of a core from this VM (steal time) in ${stolen.length} of ${ctx.stealLoad.length} measured windows ` +
        `(up to ${(Math.max(...stolen) * 100).toFixed(0)}%): other VMs shared the host, and windows with steal measure a slower machine (per-row figures in the JSON: extra.stealSeconds)`,
    );
  }
  const targetChecks = o.smoke
    ? checks(ctx, dovecotNote).map((c) => ({ ...c, verdict: 'n/a' as const, why: 'smoke run: sizes and windows too small to judge' }))
    : checks(ctx, dovecotNote);
  const rep: BenchReport = {
    version: 1,
    command: `npm run bench${argv.length ? ` -- ${argv.join(' ')}` : ''}`,
    smoke: o.smoke,
    machine: machineFacts(await dovecotVersion()),
    settings: {
      scenarios: [...o.only].sort().join(','),
      windowSeconds: o.seconds,
      idleSessions: o.idle,
      dovecotIdleSessions: o.dovecotIdle,
      loadgenProcesses: o.loadgenProcs,
      concurrency: concurrencies(o).join(','),
      sessionUsers: plan.sessionUsers,
      retrConnections: plan.retrConnections,
      m5Octets: plan.sizes.m5,
      m100Octets: plan.sizes.m100,
      hugeOctets: plan.sizes.huge ?? 0,
      popcheckLogLevel: 'info (to a file)',
      cpuProfile: o.profileDir ?? false,
    },
    rows: ctx.rows,
    targets: targetChecks,
    skipped: ctx.skipped,
    notes: ctx.notes,
    wallSeconds: (Date.now() - t0) / 1000,
  };
  process.stdout.write(`\n${consoleTable(ctx.rows)}\n\n${consoleTargets(targetChecks)}\n`);
  for (const s of ctx.skipped) process.stdout.write(`SKIPPED  ${s.scenario}${s.target ? ` (${s.target})` : ''}: ${s.reason}\n`);
  for (const n of ctx.notes) process.stdout.write(`NOTE     ${n}\n`);

  const outDir = o.outDir ? path.resolve(o.outDir) : o.smoke ? path.join(os.tmpdir(), 'popcheck-bench-smoke') : path.join(REPO_ROOT, 'docs');
  await fs.mkdir(outDir, { recursive: true });
  const analysis = readAnalysis(o.smoke);
  await fs.writeFile(path.join(outDir, 'performance.json'), `${JSON.stringify(rep, null, 2)}\n`);
  await fs.writeFile(path.join(outDir, 'performance.md'), renderMarkdown(rep, analysis));
  process.stdout.write(`\nwrote ${path.join(outDir, 'performance.md')} and performance.json\n`);

  if (o.keep) process.stdout.write(`kept ${tmp}\n`);
  else await fs.rm(tmp, { recursive: true, force: true, maxRetries: 2 }).catch(() => undefined);

  if (ctx.failures.length > 0) return 1;
  if (o.smoke) {
    const bad = ctx.rows.filter((r) => r.errors > 0 && Object.keys(r.errorKinds ?? {}).some((k) => k !== 'timeout'));
    if (bad.length > 0) {
      process.stderr.write(`bench --smoke: errors in ${bad.map((r) => `${r.scenario} ${r.target} ${r.load}`).join(', ')}\n`);
      return 1;
    }
  }
  return 0;
}

/** The hand-written analysis that performance.md carries (not for smoke runs). */
function readAnalysis(smoke: boolean): string | undefined {
  const file = path.join(REPO_ROOT, 'scripts/bench/analysis.md');
  return !smoke && existsSync(file) ? readFileSync(file, 'utf8') : undefined;
}

function firstFile(dir: string): string {
  return path.join(dir, readdirSync(dir).sort()[0]!);
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`bench: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  },
);

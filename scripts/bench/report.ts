/**
 * The bench's results: rows (one per target and scenario), target checks, and their rendering as
 * a console table, Markdown (docs/performance.md) and JSON (docs/performance.json).
 */
import { fmt, mib } from './stats.js';

export type ScenarioId = 'a' | 'b' | 'c' | 'd' | 'e' | 'f' | 'g';

export const SCENARIOS: Record<ScenarioId, string> = {
  a: 'full sessions per second (connect, USER, PASS, STAT, RETR 1 of a ~2 KiB message, QUIT) at 20 and 500 concurrent clients',
  b: 'RETR throughput of a 5 MB and a 100 MB message on 1 and 8 connections (with the raw loopback socket beside it)',
  c: 'logged-in idle sessions held at once, and the server memory per session',
  d: 'NOOP and STAT latency of one more client while (c) is held',
  e: 'wall time of the full conformance suite (popcheck conformance)',
  f: 'RETR of a 1 GB message: server RSS growth',
  g: 'popcheck --workers 2 vs 1 worker, sessions per second',
};

export interface Row {
  readonly scenario: ScenarioId;
  readonly target: string;
  /** e.g. "c=20", "5 MB x1", "10000 idle". */
  readonly load: string;
  readonly value: number | undefined;
  readonly unit: string;
  readonly p50Ms?: number | undefined;
  readonly p99Ms?: number | undefined;
  readonly errors: number;
  readonly errorKinds?: Record<string, number>;
  readonly cpuSeconds?: number | undefined;
  readonly peakRssBytes?: number | undefined;
  /** Measured window, seconds. */
  readonly seconds?: number | undefined;
  readonly count?: number | undefined;
  readonly extra?: Record<string, number | string | undefined>;
  readonly note?: string | undefined;
}

export type Verdict = 'met' | 'not met' | 'n/a';

export interface TargetCheck {
  readonly id: string;
  readonly goal: string;
  readonly measured: string;
  readonly verdict: Verdict;
  readonly why?: string | undefined;
}

export interface Skip {
  readonly scenario: ScenarioId | string;
  readonly target?: string;
  readonly reason: string;
}

export interface MachineFacts {
  readonly cpuModel: string;
  readonly cores: number;
  readonly memoryBytes: number;
  readonly node: string;
  readonly kernel: string;
  readonly dovecot: string | undefined;
  readonly date: string;
  readonly commit: string | undefined;
  readonly openFilesLimit: string | undefined;
}

export interface BenchReport {
  readonly version: 1;
  readonly command: string;
  readonly smoke: boolean;
  readonly machine: MachineFacts;
  readonly settings: Record<string, number | string | boolean>;
  readonly rows: readonly Row[];
  readonly targets: readonly TargetCheck[];
  readonly skipped: readonly Skip[];
  readonly notes: readonly string[];
  readonly wallSeconds: number;
}

const pad = (s: string, n: number, right = false): string => (right ? s.padStart(n) : s.padEnd(n));

function valueText(r: Row): string {
  if (r.value === undefined) return '–';
  const digits = r.unit === 'KiB/session' || r.unit.startsWith('MB') || r.unit === 's' ? 1 : 0;
  return `${fmt(r.value, digits)} ${r.unit}`;
}

/** Server CPU per unit of work: ms per session (a, g) or per MB (b, f); robust to a busy machine. */
export function cpuPerUnit(r: Row): string {
  if (r.cpuSeconds === undefined || r.value === undefined || r.seconds === undefined || r.seconds <= 0) return '';
  const units = r.value * r.seconds;
  if (units <= 0) return '';
  if (r.unit === 'sessions/s') return `${fmt((r.cpuSeconds * 1000) / units, 2)} ms/session`;
  if (r.unit === 'MB/s') return `${fmt((r.cpuSeconds * 1000) / units, 2)} ms/MB`;
  return '';
}

function tableCells(r: Row): string[] {
  return [
    r.target,
    `${r.scenario}: ${r.load}`,
    valueText(r),
    fmt(r.p50Ms, 2),
    fmt(r.p99Ms, 2),
    String(r.errors),
    fmt(r.cpuSeconds, 2),
    cpuPerUnit(r),
    mib(r.peakRssBytes),
  ];
}

const HEAD = ['target', 'scenario', 'throughput', 'p50 ms', 'p99 ms', 'errors', 'server CPU s', 'server CPU per op', 'peak RSS MiB'];

/** Fixed-width table for the terminal. */
export function consoleTable(rows: readonly Row[]): string {
  const cells = [HEAD, ...rows.map(tableCells)];
  const widths = HEAD.map((_, i) => Math.max(...cells.map((c) => c[i]!.length)));
  const line = (c: string[]): string => c.map((s, i) => pad(s, widths[i]!, i >= 2)).join('  ');
  return [line(HEAD), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map((r) => line(tableCells(r)))].join('\n');
}

export function markdownTable(rows: readonly Row[]): string {
  const esc = (s: string): string => s.replace(/\|/g, '\\|');
  const out = [`| ${HEAD.join(' | ')} |`, `| ${HEAD.map((_, i) => (i >= 2 ? '---:' : '---')).join(' | ')} |`];
  for (const r of rows) out.push(`| ${tableCells(r).map(esc).join(' | ')} |`);
  return out.join('\n');
}

export function targetsTable(checks: readonly TargetCheck[]): string {
  const out = ['| target | goal | measured | verdict |', '| --- | --- | --- | --- |'];
  for (const c of checks) {
    const verdict = c.verdict === 'met' ? '**met**' : c.verdict === 'not met' ? '**not met**' : 'n/a';
    out.push(`| ${c.id} | ${c.goal} | ${c.measured}${c.why ? ` (${c.why})` : ''} | ${verdict} |`);
  }
  return out.join('\n');
}

export function consoleTargets(checks: readonly TargetCheck[]): string {
  return checks.map((c) => `${pad(c.verdict.toUpperCase(), 8)} ${c.id}: ${c.goal} — ${c.measured}${c.why ? ` (${c.why})` : ''}`).join('\n');
}

const TARGETS_TEXT = [
  '## What is measured',
  '',
  '- **popcheck**: `popcheck server -d <temp Maildir root> --listen 127.0.0.1:0` with one `-u` per user and',
  '  `--max-connections-per-address` above the session count (every bench client comes from 127.0.0.1), log',
  '  level info (to a file), started fresh for (c)/(d), (f) and each side of (g).',
  '- **Dovecot default**: Debian\'s Dovecot 2.3 set up by `scripts/peers/dovecot.sh` (passwd-file, Maildir),',
  '  with its stock process model (one login process and one pop3 process per session) and only the',
  '  limits raised so 1,000 sessions fit: `default_process_limit`, `default_client_limit`,',
  '  `default_vsz_limit = 1G`, `mail_max_userip_connections`.',
  '- **Dovecot high-perf**: the same plus `service pop3-login { service_count = 0; process_min_avail = <cores>;',
  '  client_limit = ... }` and `service pop3 { service_count = 0; client_limit = 50; process_min_avail = <cores> }`.',
  '- **memory responder** (`scripts/bench/responder.ts --pop3`): answers the same dialogue from memory, no',
  '  store: the load generator\'s own ceiling on this machine.',
  '- **raw loopback socket** (`responder.ts --raw`): one Node process writing 1 MiB buffers, the other',
  '  counting them: the ceiling for (b).',
  '- **load generator** (`scripts/bench/loadgen.ts`): its own Node process(es), raw sockets, no pipelining; it',
  '  reads only the first byte and the last five of each response. Every target gets the same users and',
  '  messages (a Maildir tree per target; large messages hard-linked) and the same warm-up: one session',
  '  per user, one RETR per large message.',
];

export function renderMarkdown(rep: BenchReport, analysis: string | undefined): string {
  const m = rep.machine;
  const lines = [
    '# Performance',
    '',
    `Generated by \`${rep.command}\` on ${m.date}${rep.smoke ? ' (**smoke run**: tiny sizes and windows, the numbers mean nothing)' : ''}.`,
    'The whole file is written by the bench (its Analysis section comes from `scripts/bench/analysis.md`);',
    're-run it to refresh. Raw numbers: `docs/performance.json`.',
    '',
    '## Targets',
    '',
    targetsTable(rep.targets),
    '',
    '## Results',
    '',
    markdownTable(rep.rows),
    '',
    'Throughput is per second over the measured window (after a warm-up, and once the machine is idle: the bench waits up to 30 s for that before each window); MB/s counts octets on the wire',
    '(10^6 octets per MB). Latency is per operation: a whole session for (a), one RETR for (b)/(f), one',
    'command for (d). "Server CPU per op" divides the server\'s CPU by the work done in the window (ms per',
    'session or per MB): unlike throughput it hardly moves when other work shares the machine.',
    'Memory per session (c) is (RSS with the sessions held − RSS before) / sessions; the row notes also give',
    'the second half\'s marginal cost and the PSS figure. Errors: -ERR replies, refused or dropped connections, timeouts and short answers, warm-up',
    'included. Server CPU is user + system time of every process of the server (reaped children included)',
    'during the window; peak RSS is the largest sum of VmRSS over the server\'s processes, sampled every',
    '200 ms (Dovecot\'s shared pages count once per process; the PSS figures in the JSON split them fairly).',
    'popcheck runs from the sources (`node --import tsx`), so its tree includes tsx\'s esbuild helper (about',
    '10-15 MB, idle).',
    '',
  ];
  const noted = rep.rows.filter((r) => r.note);
  if (noted.length > 0) {
    lines.push('Row notes:', '');
    for (const r of noted) lines.push(`- ${r.target}, ${r.scenario}: ${r.load}: ${r.note}`);
    lines.push('');
  }
  lines.push(...TARGETS_TEXT, '');
  if (rep.skipped.length > 0) {
    lines.push('## Skipped', '');
    for (const s of rep.skipped) lines.push(`- ${s.scenario}${s.target ? ` (${s.target})` : ''}: ${s.reason}`);
    lines.push('');
  }
  if (rep.notes.length > 0) {
    lines.push('## Notes from this run', '');
    for (const n of rep.notes) lines.push(`- ${n}`);
    lines.push('');
  }
  lines.push(
    '## Scenarios',
    '',
    ...Object.entries(SCENARIOS).map(([id, text]) => `- **${id}**: ${text}`),
    '',
    '## Machine',
    '',
    `- CPU: ${m.cpuModel}, ${m.cores} cores`,
    `- memory: ${(m.memoryBytes / 2 ** 30).toFixed(1)} GiB`,
    `- Node ${m.node}, Linux ${m.kernel}`,
    `- Dovecot: ${m.dovecot ?? 'not installed'}`,
    `- open files limit: ${m.openFilesLimit ?? '?'}`,
    `- commit: ${m.commit ?? '?'}`,
    `- date: ${m.date}; bench wall time ${rep.wallSeconds.toFixed(0)} s`,
    '',
    '## How to run',
    '',
    '```sh',
    'npm run bench                      # everything (Dovecot too, when scripts/peers/dovecot.sh can run)',
    'npm run bench -- --only a,b        # some scenarios',
    'npm run bench -- --smoke           # a few seconds, no Dovecot: keeps the bench working (CI)',
    'npm run bench -- --help',
    '```',
    '',
    'Settings of this run:',
    '',
    '```json',
    JSON.stringify(rep.settings, null, 2),
    '```',
    '',
  );
  if (analysis) lines.push(analysis.trim(), '');
  return lines.join('\n');
}

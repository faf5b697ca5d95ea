/**
 * The host fuzzer's outputs: the JSON report (--report), the console summary, and the command line
 * that replays one failure.
 */
import { VERSION } from '../../version.js';
import { escapeOctets } from '../escape.js';
import type { ReplayAction } from './connection.js';
import type { CaseFailure, HostFuzzResult } from './runner.js';

/** Failures described in full in the report; a run against a badly broken server may have thousands. */
const MAX_DETAILED_FAILURES = 100;
/** Writes larger than this are kept as their length and a prefix (--replay regenerates them exactly). */
const MAX_BASE64_OCTETS = 1.5 * 1024 * 1024;
const MAX_ESCAPED_OCTETS = 2048;

export interface RunDescription {
  readonly host: string;
  readonly port: number;
  readonly bundled: boolean;
  readonly user: string | undefined;
  readonly seconds: number;
  readonly destructive: boolean;
  readonly startedAt: Date;
}

export function replayCommand(run: RunDescription, f: Pick<CaseFailure, 'name' | 'seed'>): string {
  const target = run.bundled ? '' : ` --host ${run.host} --port ${run.port}${run.user ? ` --user ${run.user} --pass '<password>'` : ''}`;
  return `popcheck fuzz${target}${run.destructive ? ' --destructive' : ''} --replay ${f.name}:${f.seed}`;
}

export function jsonReport(run: RunDescription, r: HostFuzzResult): object {
  return {
    tool: 'popcheck fuzz',
    version: VERSION,
    target: { host: run.host, port: run.port, bundled: run.bundled, user: run.user ?? null },
    seed: r.seed,
    seconds: run.seconds,
    destructive: run.destructive,
    startedAt: run.startedAt.toISOString(),
    durationMs: r.elapsedMs,
    cases: r.cases,
    failures: r.failures,
    casesPerSecond: rate(r),
    octetsSent: r.octetsSent,
    responseLinesChecked: r.responseLines,
    stoppedBecause: r.stoppedBecause ?? null,
    perCase: r.perCase,
    failureList: r.failureList.slice(0, MAX_DETAILED_FAILURES).map((f) => ({
      index: f.index,
      case: f.name,
      seed: f.seed,
      replayCommand: replayCommand(run, f),
      problems: f.problems,
      replay: f.replay.map((c) => ({ connection: c.connection, actions: c.actions.map(actionJson) })),
    })),
    failuresNotDetailed: Math.max(0, r.failureList.length - MAX_DETAILED_FAILURES),
  };
}

function actionJson(a: ReplayAction): object {
  if (a.kind !== 'write') return { kind: a.kind };
  const whole = a.octets.length <= MAX_BASE64_OCTETS;
  return {
    kind: 'write',
    length: a.octets.length,
    ...(a.split ? { split: a.split } : {}),
    base64: (whole ? a.octets : a.octets.subarray(0, MAX_BASE64_OCTETS)).toString('base64'),
    ...(whole ? {} : { base64Truncated: true }),
    escaped: escapeOctets(a.octets, MAX_ESCAPED_OCTETS),
  };
}

export function rate(r: Pick<HostFuzzResult, 'cases' | 'elapsedMs'>): number {
  return r.elapsedMs > 0 ? Math.round((r.cases / r.elapsedMs) * 10_000) / 10 : 0;
}

export function summaryText(run: RunDescription, r: HostFuzzResult): string {
  const out: string[] = [];
  const target = run.bundled ? 'the bundled server' : `${run.host}:${run.port}`;
  out.push(`popcheck fuzz: ${r.cases} cases against ${target} in ${(r.elapsedMs / 1000).toFixed(1)} s (${rate(r)}/s), seed ${r.seed}`);
  out.push(`  ${r.failures} failure(s); ${formatOctets(r.octetsSent)} sent; ${r.responseLines} response lines checked`);
  for (const [name, s] of Object.entries(r.perCase).sort()) out.push(`  ${name.padEnd(20)} ${String(s.runs).padStart(6)} run(s) ${String(s.failures).padStart(5)} failed`);
  if (r.stoppedBecause) out.push(`  stopped early: ${r.stoppedBecause}`);
  for (const f of r.failureList.slice(0, 10)) {
    out.push('');
    out.push(`FAIL ${f.name} (case ${f.index}, seed ${f.seed})`);
    for (const p of f.problems.slice(0, 5)) out.push(`  - ${p}`);
    if (f.problems.length > 5) out.push(`  ... and ${f.problems.length - 5} more`);
    const writes = f.replay.flatMap((c) => c.actions).filter((a): a is ReplayAction & { kind: 'write' } => a.kind === 'write');
    if (writes[0]) out.push(`  sent: "${escapeOctets(writes[0].octets, 160)}"${writes.length > 1 ? ` and ${writes.length - 1} more write(s)` : ''}`);
    out.push(`  replay: ${replayCommand(run, f)}`);
  }
  if (r.failureList.length > 10) out.push(`\n... ${r.failureList.length - 10} more failure(s): see the JSON report (--report)`);
  return out.join('\n');
}

function formatOctets(n: number): string {
  return n >= 1024 * 1024 ? `${(n / 1024 / 1024).toFixed(1)} MiB` : `${(n / 1024).toFixed(1)} KiB`;
}

/**
 * `popcheck conformance` once its options are parsed: pick the target (the bundled server or a
 * host), check it answers, run the suite, gate, and write the console report, the report files
 * and the baseline. Returns the exit code; never exits the process itself.
 */
import path from 'node:path';
import type { Writable } from 'node:stream';
import { VERSION } from '../version.js';
import { baselineFromRun, readBaseline, writeBaseline, type Baseline } from './baseline.js';
import { startBundledTarget, type BundledOptions, type RunningTarget } from './bundled-target.js';
import type { TlsMode, WorldParameters } from './contract.js';
import { EXIT, UsageError } from './exit-codes.js';
import { renderConsole } from './formats/console.js';
import { writeReports, type FormatSpec } from './formats/output-formats.js';
import { decideExit } from './gate.js';
import { loadPlan, replanSkips, type SuiteLocation } from './plan.js';
import { renderPlan } from './plan-listing.js';
import { checkReachable } from './preflight.js';
import { ProgressLine } from './progress.js';
import { buildReport } from './report.js';
import { runSuite, type SuiteResult } from './run-suite.js';

export type TargetSpec =
  /** The bundled server, reached in this TLS mode (it has a self-signed certificate and a manager). */
  | { readonly kind: 'bundled'; readonly tls: TlsMode }
  | { readonly kind: 'host'; readonly world: Omit<WorldParameters, 'timeoutMs'> };

export interface ConformanceOptions {
  readonly target: TargetSpec;
  readonly timeoutMs: number;
  readonly tags: string;
  readonly strict: boolean;
  readonly parallel: number;
  readonly formats: readonly FormatSpec[];
  readonly baselineFile?: string | undefined;
  readonly writeBaselineFile?: string | undefined;
  readonly list: boolean;
  readonly progress: boolean;
  readonly suite: SuiteLocation;
}

export interface ConformanceIo {
  readonly stdout: Writable;
  readonly stderr: Writable & { isTTY?: boolean };
  /** Where relative report and baseline paths are resolved. */
  readonly cwd: string;
  /** Starts the bundled server; replaceable in tests. */
  readonly startBundled?: (options: BundledOptions) => Promise<RunningTarget>;
}

/** What the plan (and --list) assumes of the bundled target before it is started. */
function bundledPlaceholder(tls: TlsMode): Omit<WorldParameters, 'timeoutMs'> {
  return {
    host: '127.0.0.1',
    port: 0,
    tls,
    tlsInsecure: true,
    account: { user: 'alice', pass: 'wonderland' },
    fixtures: { kind: 'maildir', path: '(temporary)' },
    destructive: true,
    bundled: true,
    managerHost: '127.0.0.1',
    managerPort: 0,
    managerToken: '(generated)',
    managerAllowStop: true,
  };
}

export async function runConformance(options: ConformanceOptions, io: ConformanceIo): Promise<number> {
  try {
    return await run(options, io);
  } catch (err) {
    if (err instanceof UsageError) {
      io.stderr.write(`popcheck conformance: ${err.message}\n`);
      return EXIT.usage;
    }
    io.stderr.write(`popcheck conformance: harness error: ${(err as Error).stack ?? String(err)}\n`);
    return EXIT.unreachable;
  }
}

async function run(options: ConformanceOptions, io: ConformanceIo): Promise<number> {
  // The plan first: a bad --tags or a broken feature file is reported before anything starts.
  const planWorld = { ...(options.target.kind === 'host' ? options.target.world : bundledPlaceholder(options.target.tls)), timeoutMs: options.timeoutMs };
  const plan = await loadPlan(options.suite, planWorld, options.tags, io.stderr);
  for (const e of plan.errors) io.stderr.write(`popcheck conformance: ${e}\n`);
  if (options.list) {
    io.stdout.write(renderPlan(plan.scenarios, describeTarget(options.target)));
    return plan.errors.length > 0 ? EXIT.unreachable : EXIT.ok;
  }
  if (plan.errors.length > 0) return EXIT.unreachable;
  // Then the baseline: a bad file is a usage error, also found before anything is started.
  const baseline = options.baselineFile !== undefined ? await readBaseline(path.resolve(io.cwd, options.baselineFile)) : undefined;

  let target: RunningTarget;
  if (options.target.kind === 'bundled') {
    try {
      target = await (io.startBundled ?? startBundledTarget)({ tls: options.target.tls });
    } catch (err) {
      io.stderr.write(`popcheck conformance: cannot start the bundled server: ${(err as Error).message}\n`);
      return EXIT.unreachable;
    }
  } else {
    target = { world: options.target.world, stop: async () => undefined };
  }
  const world: WorldParameters = { ...target.world, timeoutMs: options.timeoutMs };
  let suite: SuiteResult;
  let unreachable: string | undefined;
  try {
    unreachable = await checkReachable(world);
    if (unreachable !== undefined) {
      io.stderr.write(`popcheck conformance: ${unreachable}\n`);
      const now = new Date();
      suite = { scenarios: [], harnessErrors: [], startedAt: now, finishedAt: now };
    } else {
      const progress = new ProgressLine(io.stderr, options.progress);
      try {
        suite = await runSuite({
          suite: options.suite,
          world,
          tags: options.tags,
          strict: options.strict,
          parallel: options.parallel,
          stderr: io.stderr,
          // For the bundled server the plan was made with placeholder parameters: the skips are
          // decided again with the ones it has.
          plan: options.target.kind === 'bundled' ? replanSkips(plan, world) : plan,
          managerWorld: target.managerWorld,
          onStart: (total) => progress.start(total),
          onScenario: (r) => progress.scenario(r),
        });
      } finally {
        progress.finish();
      }
    }
  } finally {
    await target.stop();
  }
  return finish(options, io, world, suite, unreachable, baseline);
}

async function finish(
  options: ConformanceOptions,
  io: ConformanceIo,
  world: WorldParameters,
  suite: SuiteResult,
  unreachable: string | undefined,
  baseline: Baseline | undefined,
): Promise<number> {
  const gate = decideExit({ scenarios: suite.scenarios, harnessErrors: suite.harnessErrors, unreachable, baseline });
  const report = buildReport({
    version: VERSION,
    world,
    tags: options.tags,
    strict: options.strict,
    parallel: options.parallel,
    startedAt: suite.startedAt,
    finishedAt: suite.finishedAt,
    scenarios: suite.scenarios,
    harnessErrors: suite.harnessErrors,
    gate,
    baselineFile: options.baselineFile,
  });
  io.stdout.write(renderConsole(report));
  for (const file of await writeReports(options.formats, report, io.cwd)) io.stdout.write(`report written: ${file}\n`);
  if (options.writeBaselineFile !== undefined && unreachable === undefined) {
    const previous = baseline ?? (await readBaseline(path.resolve(io.cwd, options.writeBaselineFile)).catch(() => undefined));
    const file = options.writeBaselineFile;
    await writeBaseline(path.resolve(io.cwd, file), baselineFromRun(suite.scenarios, describeTarget(options.target), previous));
    io.stdout.write(`baseline written: ${file}\n`);
  }
  return gate.exitCode;
}

function describeTarget(target: TargetSpec): string {
  if (target.kind === 'bundled') return `the bundled reference server${target.tls !== 'none' ? ` (tls ${target.tls})` : ''}`;
  return `${target.world.host}:${target.world.port} (tls ${target.world.tls})`;
}

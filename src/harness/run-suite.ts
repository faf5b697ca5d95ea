/**
 * One conformance run: plan with the user's tags, run what the options allow, and give every
 * planned scenario a verdict. A connection that fails is one scenario's ERROR, never the run's end.
 *
 * The scenarios run in up to three cucumber runs ("passes"), in this order:
 *   1. shared: everything but @manager-exclusive and @manager-stop, --parallel as asked (the
 *      @manager ones in a run of their own when they get other parameters, see managerWorld);
 *   2. exclusive: @manager-exclusive (not @manager-stop), one at a time, managerExclusive true:
 *      they change the server for every client, so nothing else runs meanwhile;
 *   3. stop: @manager-stop, one at a time, managerAllowStop true: STOP stops the server under test,
 *      so it comes last and nothing runs after it.
 * A pass none of the selected scenarios belongs to is not started.
 */
import type { Writable } from 'node:stream';
import { TAGS, type Verdict, type WorldParameters } from './contract.js';
import { runCucumberWith } from './cucumber-runtime.js';
import { loadPlan, locationKey, selectionExpression, type Plan, type PlannedScenario, type SuiteLocation } from './plan.js';
import { RunCollector } from './run-collector.js';
import type { ScenarioResult } from './scenario-result.js';
import type { ScenarioRun } from './scenario-run.js';
import { runnableTagExpression } from './skip-rules.js';
import { decideVerdict } from './verdict.js';

export interface SuiteRunOptions {
  readonly suite: SuiteLocation;
  readonly world: WorldParameters;
  readonly tags: string;
  readonly strict: boolean;
  readonly parallel: number;
  readonly stderr: Writable;
  /** The plan, when the caller already has it (it checked --tags before starting the target). */
  readonly plan?: Plan | undefined;
  /** Called once the plan is known, then once per scenario with a verdict. */
  readonly onStart?: (total: number) => void;
  readonly onScenario?: (result: ScenarioResult) => void;
  /** Parameters that replace the world's for the @manager scenarios (RunningTarget.managerWorld). */
  readonly managerWorld?: Partial<WorldParameters> | undefined;
}

export interface SuiteResult {
  readonly scenarios: readonly ScenarioResult[];
  readonly harnessErrors: readonly string[];
  readonly startedAt: Date;
  readonly finishedAt: Date;
}

export type PassName = 'shared' | 'manager' | 'exclusive' | 'stop';

/** One cucumber run of the suite: which scenarios, with which parameters. */
export interface SuitePass {
  readonly name: PassName;
  /** Added (with "and") to the runnable tag expression. */
  readonly tagExpression: string;
  readonly scenarios: readonly PlannedScenario[];
  readonly world: WorldParameters;
  readonly parallel: number;
}

/**
 * Splits the scenarios to run into the passes above, in their order; empty passes are left out.
 * `managerWorld` replaces parameters for the @manager scenarios: they then share no run with the others.
 */
export function planPasses(
  toRun: readonly PlannedScenario[],
  world: WorldParameters,
  parallel: number,
  managerWorld: Partial<WorldParameters> = {},
): SuitePass[] {
  const apart = Object.keys(managerWorld).length > 0;
  const forManager: WorldParameters = { ...world, ...managerWorld };
  const shared = toRun.filter((s) => !s.parsed.managerExclusive && !s.parsed.managerStop);
  const notShared = `not ${TAGS.managerExclusive} and not ${TAGS.managerStop}`;
  const passes: SuitePass[] = [
    {
      name: 'shared',
      tagExpression: apart ? `${notShared} and not ${TAGS.manager}` : notShared,
      scenarios: apart ? shared.filter((s) => !s.parsed.manager) : shared,
      world: { ...world, managerExclusive: false, managerAllowStop: false },
      parallel,
    },
    {
      name: 'manager',
      tagExpression: `${notShared} and ${TAGS.manager}`,
      scenarios: apart ? shared.filter((s) => s.parsed.manager) : [],
      world: { ...forManager, managerExclusive: false, managerAllowStop: false },
      parallel,
    },
    {
      name: 'exclusive',
      tagExpression: `${TAGS.managerExclusive} and not ${TAGS.managerStop}`,
      scenarios: toRun.filter((s) => s.parsed.managerExclusive && !s.parsed.managerStop),
      world: { ...forManager, managerExclusive: true, managerAllowStop: false },
      parallel: 0,
    },
    {
      name: 'stop',
      tagExpression: TAGS.managerStop,
      scenarios: toRun.filter((s) => s.parsed.managerStop),
      // Only a target that allows STOP gets here: the skip rules leave @manager-stop out otherwise.
      world: { ...forManager, managerExclusive: true, managerAllowStop: world.managerAllowStop === true },
      parallel: 0,
    },
  ];
  return passes.filter((p) => p.scenarios.length > 0);
}

export async function runSuite(options: SuiteRunOptions): Promise<SuiteResult> {
  const startedAt = new Date();
  const plan = options.plan ?? (await loadPlan(options.suite, options.world, options.tags, options.stderr));
  const harnessErrors = [...plan.errors];
  options.onStart?.(plan.scenarios.length);
  const byKey = new Map(plan.scenarios.map((s) => [locationKey(s), s]));
  const results = new Map<string, ScenarioResult>();
  const report = (r: ScenarioResult): void => {
    results.set(r.id, r);
    options.onScenario?.(r);
  };

  for (const s of plan.scenarios) {
    if (s.skipReason !== undefined) report(withVerdict(s, { verdict: 'SKIP', skipKind: 'option', reason: s.skipReason }));
  }
  const toRun = plan.scenarios.filter((s) => s.skipReason === undefined);
  if (toRun.length > 0 && plan.errors.length === 0) {
    const runnable = runnableTagExpression(selectionExpression(options.suite, options.tags), options.world);
    for (const pass of planPasses(toRun, options.world, options.parallel, options.managerWorld)) {
      const collector = new RunCollector((run) => {
        const s = byKey.get(locationKey(run));
        if (s) report(resultOf(s, run, options.strict));
      });
      try {
        await runCucumberWith(
          {
            ...options.suite,
            tagExpression: andExpressions(runnable, pass.tagExpression),
            dryRun: false,
            parallel: pass.parallel,
            world: pass.world,
            stderr: options.stderr,
          },
          (e) => collector.handle(e),
        );
      } catch (err) {
        harnessErrors.push(`cucumber failed${pass.name === 'shared' ? '' : ` (${pass.name} pass)`}: ${(err as Error).message}`);
        harnessErrors.push(...collector.harnessErrors);
        // The next passes would fail the same way; their scenarios end ERROR below.
        break;
      }
      harnessErrors.push(...collector.harnessErrors);
    }
  }
  // Whatever never finished (a crashed worker, a run that could not start) is the harness's fault.
  for (const s of toRun) {
    if (!results.has(s.id)) report(withVerdict(s, { verdict: 'ERROR', reason: 'the scenario was not run (see the harness errors)' }));
  }
  return { scenarios: plan.scenarios.map((s) => results.get(s.id)!), harnessErrors, startedAt, finishedAt: new Date() };
}

/** Cucumber tag expressions joined with "and", each in parentheses; empty ones left out. */
export function andExpressions(...expressions: string[]): string {
  const parts = expressions.map((e) => e.trim()).filter(Boolean);
  return parts.length > 1 ? parts.map((p) => `(${p})`).join(' and ') : (parts[0] ?? '');
}

function resultOf(s: PlannedScenario, run: ScenarioRun, strict: boolean): ScenarioResult {
  return { ...withVerdict(s, decideVerdict(run, s.parsed, strict)), transcripts: run.transcripts, durationMs: run.durationMs };
}

function withVerdict(
  s: PlannedScenario,
  d: { verdict: Verdict; reason?: string | undefined; skipKind?: ScenarioResult['skipKind']; message?: string | undefined },
): ScenarioResult {
  return { ...s, verdict: d.verdict, reason: d.reason, skipKind: d.skipKind, message: d.message, transcripts: [], durationMs: 0 };
}

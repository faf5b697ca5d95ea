/**
 * One conformance run: plan with the user's tags, run what the options allow, and give every
 * planned scenario a verdict. A connection that fails is one scenario's ERROR, never the run's end.
 */
import type { Writable } from 'node:stream';
import type { Verdict, WorldParameters } from './contract.js';
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
}

export interface SuiteResult {
  readonly scenarios: readonly ScenarioResult[];
  readonly harnessErrors: readonly string[];
  readonly startedAt: Date;
  readonly finishedAt: Date;
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
    const collector = new RunCollector((run) => {
      const s = byKey.get(locationKey(run));
      if (s) report(resultOf(s, run, options.strict));
    });
    try {
      await runCucumberWith(
        {
          ...options.suite,
          tagExpression: runnableTagExpression(selectionExpression(options.suite, options.tags), options.world),
          dryRun: false,
          parallel: options.parallel,
          world: options.world,
          stderr: options.stderr,
        },
        (e) => collector.handle(e),
      );
    } catch (err) {
      harnessErrors.push(`cucumber failed: ${(err as Error).message}`);
    }
    harnessErrors.push(...collector.harnessErrors);
  }
  // Whatever never finished (a crashed worker, a run that could not start) is the harness's fault.
  for (const s of toRun) {
    if (!results.has(s.id)) report(withVerdict(s, { verdict: 'ERROR', reason: 'the scenario was not run (see the harness errors)' }));
  }
  return { scenarios: plan.scenarios.map((s) => results.get(s.id)!), harnessErrors, startedAt, finishedAt: new Date() };
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

/**
 * The plan: which scenarios the --tags expression selects, with their tags and whether the options
 * make the runner skip them. A cucumber dry run with no step code: nothing connects anywhere.
 */
import type { Writable } from 'node:stream';
import type { WorldParameters } from './contract.js';
import { UsageError } from './exit-codes.js';
import { runCucumberWith } from './cucumber-runtime.js';
import { RunCollector } from './run-collector.js';
import { scenarioIds } from './scenario-id.js';
import type { ScenarioRun } from './scenario-run.js';
import { readTags, type ScenarioTags } from './scenario-tags.js';
import { optionSkipReason } from './skip-rules.js';

export interface SuiteLocation {
  readonly cwd: string;
  readonly featurePaths: readonly string[];
  readonly importPaths: readonly string[];
  /**
   * A tag expression every run adds to the user's --tags: scenarios that are not conformance
   * checks of the target (the interop suite drives real clients against its own server).
   */
  readonly alwaysExclude?: string | undefined;
}

/** The user's --tags combined with the suite's own exclusion. */
export function selectionExpression(suite: SuiteLocation, userTags: string): string {
  const parts = [userTags.trim(), suite.alwaysExclude?.trim() ?? ''].filter(Boolean);
  return parts.length > 1 ? parts.map((p) => `(${p})`).join(' and ') : (parts[0] ?? '');
}

export interface PlannedScenario {
  readonly id: string;
  readonly uri: string;
  readonly line: number;
  readonly name: string;
  readonly featureName: string;
  readonly tags: readonly string[];
  readonly parsed: ScenarioTags;
  /** Set when the runner will not run it under these options. */
  readonly skipReason?: string | undefined;
}

export interface Plan {
  readonly scenarios: readonly PlannedScenario[];
  /** Feature files that do not parse, and the like: the run cannot be trusted. */
  readonly errors: readonly string[];
}

export async function loadPlan(suite: SuiteLocation, world: WorldParameters, userTags: string, stderr: Writable): Promise<Plan> {
  const collector = new RunCollector();
  try {
    await runCucumberWith(
      { cwd: suite.cwd, featurePaths: suite.featurePaths, importPaths: [], tagExpression: selectionExpression(suite, userTags), dryRun: true, parallel: 0, world, stderr },
      (e) => collector.handle(e),
    );
  } catch (err) {
    // Cucumber wraps a bad --tags expression in a generic error; its cause says what is wrong.
    const cause = (err as Error).cause;
    if (cause instanceof Error && /tag expression/i.test(cause.message)) {
      // Name the user's expression, not the one combined with the suite's exclusion.
      throw new UsageError(`--tags: ${cause.message.replace(/^Tag expression ".*" could not/s, `Tag expression ${JSON.stringify(userTags)} could not`)}`);
    }
    throw err;
  }
  const all = collector.runs();
  const ids = scenarioIds(all);
  const scenarios = all.flatMap((run, i) => (run.planned ? [planned(run, ids[i]!, world)] : []));
  const errors = [...collector.harnessErrors];
  if (all.length === 0) errors.push(`no scenarios found in ${suite.featurePaths.join(', ')} (under ${suite.cwd})`);
  // A feature file that does not parse stops cucumber from planning anything: that is the error
  // to report (exit 3), not the selection.
  else if (scenarios.length === 0 && errors.length === 0) throw new UsageError(`--tags "${userTags}" selects none of the ${all.length} scenarios`);
  return { scenarios, errors };
}

/**
 * The plan with its skip reasons decided again for other parameters: the bundled server's plan is
 * made before it starts, with placeholder parameters, and the ones it actually has decide.
 */
export function replanSkips(plan: Plan, world: WorldParameters): Plan {
  return { ...plan, scenarios: plan.scenarios.map((s) => ({ ...s, skipReason: optionSkipReason(s.parsed, world) })) };
}

/** Key joining a planned scenario to the same pickle in another cucumber run (ids are per run). */
export function locationKey(s: { readonly uri: string; readonly line: number }): string {
  return `${s.uri}:${s.line}`;
}

function planned(run: ScenarioRun, id: string, world: WorldParameters): PlannedScenario {
  const parsed = readTags(run.tags);
  return {
    id,
    uri: run.uri,
    line: run.line,
    name: run.name,
    featureName: run.featureName,
    tags: run.tags,
    parsed,
    skipReason: optionSkipReason(parsed, world),
  };
}

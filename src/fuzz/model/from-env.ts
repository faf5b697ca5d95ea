/**
 * The model-based tests' knobs, read from the environment so `npm test` stays fast and a long or a
 * replaying run needs no code change:
 *
 *   FUZZ_RUNS=2000              more runs (the tests scale their defaults to it)
 *   FUZZ_SEED, FUZZ_PATH,
 *   FUZZ_REPLAY_PATH            replay a failure exactly, as its report prints them
 *   FUZZ_EMIT_FEATURE=1         write a failure as a scenario under features/regressions/
 *                               (or FUZZ_EMIT_FEATURE=<dir> to write it elsewhere)
 */
import { emitDirectory } from '../gherkin.js';
import { writeModelFeature } from './gherkin.js';
import { formatFailure, vitestReplay } from './report.js';
import { checkModel, type ModelCheckOptions } from './run-model.js';

export interface EnvKnobs {
  readonly runs: number | undefined;
  readonly seed: number | undefined;
  readonly path: string | undefined;
  readonly replayPath: string | undefined;
  readonly emitDir: string | undefined;
}

export function knobsFromEnv(env: NodeJS.ProcessEnv = process.env): EnvKnobs {
  const int = (v: string | undefined): number | undefined => (v !== undefined && /^-?\d+$/.test(v) ? Number(v) : undefined);
  return {
    runs: int(env.FUZZ_RUNS),
    seed: int(env.FUZZ_SEED),
    path: env.FUZZ_PATH || undefined,
    replayPath: env.FUZZ_REPLAY_PATH || undefined,
    emitDir: emitDirectory(env.FUZZ_EMIT_FEATURE),
  };
}

/**
 * Runs the model check with the environment's knobs; returns undefined when it passed, else the
 * printable report (with the path of the scenario written, when asked for).
 */
export async function modelCheckFromEnv(options: Omit<ModelCheckOptions, 'numRuns'> & { defaultRuns: number; testFile: string; storeName: string }, env = knobsFromEnv()): Promise<string | undefined> {
  const result = await checkModel({
    ...options,
    numRuns: env.runs ?? options.defaultRuns,
    ...(env.seed !== undefined ? { seed: env.seed } : {}),
    ...(env.path !== undefined ? { path: env.path } : {}),
    ...(env.replayPath !== undefined ? { replayPath: env.replayPath } : {}),
  });
  if (!result.failure) return undefined;
  let report = formatFailure(result.failure, vitestReplay(options.testFile));
  if (env.emitDir) report += `\n\nScenario written to ${await writeModelFeature(result.failure, options.storeName, env.emitDir)}`;
  else report += '\n\n(FUZZ_EMIT_FEATURE=1 writes it as a Gherkin scenario under features/regressions/)';
  return report;
}

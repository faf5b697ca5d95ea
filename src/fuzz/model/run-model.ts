/**
 * Model-based testing of the reference server (issue 4): fast-check generates a maildrop and a
 * sequence of commands, fc.asyncModelRun plays them over real TCP against createServer, and the
 * model checks every answer. On a failure the shrunk counterexample is replayed once more with a
 * trace, so the report can show it as POP3 lines and as a Gherkin scenario.
 */
import fc from 'fast-check';
import { commandArb } from './arbitraries.js';
import type { ModelCommand } from './commands.js';
import { startEnvironment, type EnvironmentOptions } from './environment.js';
import { maildropArb, type MaildropSpec } from './maildrop.js';
import type { TraceEvent } from './session.js';

export interface ModelCheckOptions extends EnvironmentOptions {
  readonly numRuns: number;
  readonly maxCommands?: number;
  /** Replay: the seed, path and replayPath a failure report printed. */
  readonly seed?: number;
  readonly path?: string;
  readonly replayPath?: string;
  /** Stops generating (and shrinking) after this long; what was found so far is reported. */
  readonly timeLimitMs?: number;
  /** Offer the fixture maildrop too (default true). */
  readonly fixtures?: boolean;
}

export interface ModelFailure {
  readonly seed: number;
  readonly path: string;
  readonly replayPath: string | undefined;
  readonly spec: MaildropSpec;
  /** The commands that ran in the shrunk counterexample, in order. */
  readonly commands: readonly ModelCommand[];
  readonly error: string;
  /** The trace of the replay of the counterexample (empty if the replay passed: a flaky failure). */
  readonly trace: readonly TraceEvent[];
  readonly replayError: string | undefined;
}

export interface ModelCheckResult {
  readonly details: fc.RunDetails<[MaildropSpec, Iterable<ModelCommand>]>;
  readonly failure: ModelFailure | undefined;
}

export function modelProperty(options: ModelCheckOptions): fc.IAsyncPropertyWithHooks<[MaildropSpec, Iterable<ModelCommand>]> {
  const cmds = fc.commands([commandArb()], {
    maxCommands: options.maxCommands ?? 40,
    // 'max' lets sequences grow to maxCommands: long sessions reach states short ones never do.
    size: 'max',
    ...(options.replayPath ? { replayPath: options.replayPath } : {}),
  });
  return fc.asyncProperty(maildropArb({ fixtures: options.fixtures ?? true }), cmds, async (spec, commands) => {
    const env = await startEnvironment(spec, options);
    try {
      await fc.asyncModelRun(() => env.setup(), commands);
    } finally {
      await env.close();
    }
  });
}

export async function checkModel(options: ModelCheckOptions): Promise<ModelCheckResult> {
  const details = await fc.check(modelProperty(options), {
    numRuns: options.numRuns,
    ...(options.seed !== undefined ? { seed: options.seed } : {}),
    ...(options.path !== undefined ? { path: options.path, endOnFailure: true } : {}),
    ...(options.timeLimitMs !== undefined ? { interruptAfterTimeLimit: options.timeLimitMs } : {}),
  });
  if (!details.failed || !details.counterexample) return { details, failure: undefined };
  const [spec, iterable] = details.counterexample;
  const commands = ranCommands(iterable);
  const replay = await replayTrace(spec, commands, options);
  return {
    details,
    failure: {
      seed: details.seed,
      path: details.counterexamplePath ?? '',
      replayPath: /replayPath="([^"]*)"/.exec(String(iterable))?.[1],
      spec,
      commands,
      error: errorText(details.errorInstance),
      trace: replay.trace,
      replayError: replay.error,
    },
  };
}

/**
 * The commands of a counterexample that ran (fast-check marks them on its command wrappers); none
 * when the run failed in setup, while the initial maildrop was read.
 */
export function ranCommands(iterable: Iterable<ModelCommand>): ModelCommand[] {
  const all = [...iterable] as Array<ModelCommand & { hasRan?: boolean; cmd?: ModelCommand }>;
  return all.filter((w) => w.hasRan === true).map((w) => w.cmd ?? w);
}

/** Runs the commands once more, as fc.asyncModelRun would, keeping the trace. */
export async function replayTrace(spec: MaildropSpec, commands: readonly ModelCommand[], options: EnvironmentOptions): Promise<{ trace: TraceEvent[]; error: string | undefined }> {
  const env = await startEnvironment(spec, options);
  try {
    const { model, real } = await env.setup();
    try {
      for (const c of commands) if (c.check(model)) await c.run(model, real);
      return { trace: real.trace, error: undefined };
    } catch (err) {
      return { trace: real.trace, error: errorText(err) };
    }
  } catch (err) {
    return { trace: [], error: `before the first command, reading the maildrop: ${errorText(err)}` };
  } finally {
    await env.close();
  }
}

function errorText(err: unknown): string {
  if (err instanceof Error) return err.message.split('\n')[0]!;
  return String(err);
}

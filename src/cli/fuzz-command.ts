/**
 * `popcheck fuzz`: the host fuzzer (src/fuzz/host) against any POP3 server, or against the bundled
 * one when no --host is given; `--model` runs the model-based test (src/fuzz/model) against the
 * bundled server instead, for long runs and replays outside vitest. See docs/fuzzing.md.
 *
 * Exit codes: 0 no failure, 1 failures, 2 usage error, 3 target unreachable (or the account
 * cannot log in) at the start.
 */
import { randomInt } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { startBundledTarget, type BundledTarget } from '../fuzz/bundled.js';
import { emitDirectory, writeFeature } from '../fuzz/gherkin.js';
import { CASES } from '../fuzz/host/cases.js';
import { hostFeature } from '../fuzz/host/gherkin.js';
import { jsonReport, rate, summaryText, type RunDescription } from '../fuzz/host/report.js';
import { enabledCases, HostFuzzer, preflight, type HostFuzzOptions } from '../fuzz/host/runner.js';
import { writeModelFeature } from '../fuzz/model/gherkin.js';
import { formatFailure } from '../fuzz/model/report.js';
import { checkModel, type ModelFailure } from '../fuzz/model/run-model.js';

export const FUZZ_EXIT = { ok: 0, failures: 1, usage: 2, unreachable: 3 } as const;

interface FuzzFlags {
  host?: string;
  port?: number;
  user?: string;
  pass?: string;
  seconds: number;
  seed?: number;
  destructive?: boolean;
  report?: string;
  emitFeature?: string | boolean;
  only?: string[];
  replay?: { name: string; seed: number };
  timeout: number;
  list?: boolean;
  progress: boolean;
  model?: boolean;
  runs: number;
  store: 'memory' | 'maildir';
  path?: string;
  replayPath?: string;
}

export interface FuzzIo {
  readonly stdout: { write(s: string): unknown; isTTY?: boolean };
  readonly stderr: { write(s: string): unknown; isTTY?: boolean };
}

const HELP_AFTER = `
Without --host the bundled server is started in-process on 127.0.0.1 (alice/wonderland,
the fixture messages and a large one) and the destructive cases run too.

Cases: ${CASES.map((c) => c.name).join(', ')} (--list describes them).
Cases that log in need --user/--pass; DELE cases need --destructive (they remove mail).
After every case a fresh connection must get a well-formed greeting and +OK to NOOP after
login (without an account: an answer to CAPA); every response line must be well-formed
(RFC 1939 §3: +OK/-ERR in upper case, CRLF; RFC 2449 §4: at most 512 octets).

Replay a failure: the report prints "--replay <case>:<seed>", which regenerates the same octets;
the JSON report (--report) also has them, base64.

Exit codes: 0 no failure, 1 failures, 2 usage error, 3 target unreachable at the start.

Examples:
  npm run fuzz
  popcheck fuzz --host 127.0.0.1 --port 11110 --user alice --pass wonderland --seconds 60 --report fuzz.json
  popcheck fuzz --host 127.0.0.1 --port 11110 --replay long-line:123456789
  popcheck fuzz --model --runs 5000 --store maildir --emit-feature
`;

function int(what: string, min: number, max: number) {
  return (value: string): number => {
    if (!/^-?\d{1,10}$/.test(value) || Number(value) < min || Number(value) > max) throw new InvalidArgumentError(`expected ${what} (${min}-${max})`);
    return Number(value);
  };
}

function parseReplay(value: string): { name: string; seed: number } {
  const m = /^([a-z0-9-]+):(\d{1,10})$/.exec(value);
  if (!m || !CASES.some((c) => c.name === m[1])) throw new InvalidArgumentError(`expected <case>:<seed> with a case of: ${CASES.map((c) => c.name).join(', ')}`);
  return { name: m[1]!, seed: Number(m[2]) };
}

function parseOnly(value: string, previous: string[] | undefined): string[] {
  const names = value.split(',').map((s) => s.trim()).filter(Boolean);
  const unknown = names.filter((n) => !CASES.some((c) => c.name === n));
  if (unknown.length) throw new InvalidArgumentError(`unknown case ${unknown.join(', ')}; cases: ${CASES.map((c) => c.name).join(', ')}`);
  return [...(previous ?? []), ...names];
}

export function fuzzCommand(io?: FuzzIo): Command {
  const cmd = new Command('fuzz')
    .description('send hostile input to a POP3 server and check it stays well-formed and alive (or run the model-based test)')
    .addOption(new Option('--host <host>', 'the POP3 server to fuzz (default: start the bundled server)'))
    .addOption(new Option('--port <port>', 'its port (default 110)').argParser(int('a port number', 1, 65535)))
    .addOption(new Option('--user <user>', 'an account for the cases that log in'))
    .addOption(new Option('--pass <password>', 'its password'))
    .addOption(new Option('--seconds <n>', 'how long to run').argParser(int('seconds', 1, 86_400)).default(30))
    .addOption(new Option('--seed <n>', 'seed of the run (default: random; printed)').argParser(int('a seed', -0x8000_0000, 0xffff_ffff)))
    .addOption(new Option('--destructive', 'also run cases that remove mail (DELE then QUIT)'))
    .addOption(new Option('--report <file>', 'write a JSON report with every failure and its replay'))
    .addOption(new Option('--emit-feature [dir]', 'write failures as Gherkin scenarios (default dir: features/regressions/)'))
    .addOption(new Option('--only <cases>', 'only these cases (comma-separated; repeatable)').argParser(parseOnly))
    .addOption(new Option('--replay <case:seed>', 'run one case once with this seed (as printed by a failure)').argParser(parseReplay))
    .addOption(new Option('--timeout <ms>', 'milliseconds to wait for each answer').argParser(int('milliseconds', 100, 600_000)).default(5000))
    .addOption(new Option('--list', 'list the cases and exit'))
    .addOption(new Option('--no-progress', 'no progress line'))
    .addOption(new Option('--model', 'run the model-based test against the bundled server instead (src/fuzz/model)'))
    .addOption(new Option('--runs <n>', 'with --model: number of generated sessions').argParser(int('a count', 1, 10_000_000)).default(200))
    .addOption(new Option('--store <kind>', 'with --model: the store behind the server').choices(['memory', 'maildir']).default('memory'))
    .addOption(new Option('--path <path>', 'with --model and --seed: replay the counterexample at this path'))
    .addOption(new Option('--replay-path <replayPath>', 'with --model: the replayPath a failure printed'))
    .addHelpText('after', HELP_AFTER)
    .action(async (flags: FuzzFlags) => {
      process.exitCode = await runFuzz(flags, io ?? { stdout: process.stdout, stderr: process.stderr });
    });
  return cmd;
}

/** Parses argv (the arguments after "fuzz") and runs; returns the exit code. For tests and scripts. */
export async function runFuzzCli(argv: string[], io: FuzzIo = { stdout: process.stdout, stderr: process.stderr }): Promise<number> {
  let code: number = FUZZ_EXIT.ok;
  const cmd = fuzzCommand(io)
    .exitOverride()
    .configureOutput({
      writeOut: (s) => io.stdout.write(s),
      writeErr: (s) => io.stderr.write(s),
      outputError: (s, write) => write(`popcheck fuzz: ${s.split('\n')[0]!.replace(/^error: /, '')} (see --help)\n`),
    })
    .action(async (flags: FuzzFlags) => {
      code = await runFuzz(flags, io);
    });
  try {
    await cmd.parseAsync(argv, { from: 'user' });
  } catch (err) {
    if (err instanceof CommanderError) return err.code === 'commander.helpDisplayed' || err.code === 'commander.help' ? FUZZ_EXIT.ok : FUZZ_EXIT.usage;
    throw err;
  }
  return code;
}

function usage(io: FuzzIo, message: string): number {
  io.stderr.write(`popcheck fuzz: ${message} (see --help)\n`);
  return FUZZ_EXIT.usage;
}

async function runFuzz(f: FuzzFlags, io: FuzzIo): Promise<number> {
  if (f.list) {
    for (const c of CASES) io.stdout.write(`${c.name.padEnd(20)} ${c.needsLogin ? '[login] ' : ''}${c.destructive ? '[destructive] ' : ''}${c.about}\n`);
    return FUZZ_EXIT.ok;
  }
  if (f.model) return runModel(f, io);
  if ((f.user === undefined) !== (f.pass === undefined)) return usage(io, '--user and --pass go together');
  if (f.host === undefined && (f.port !== undefined || f.user !== undefined)) return usage(io, '--port, --user and --pass only make sense with --host');
  if (f.host !== undefined && f.host.trim() === '') return usage(io, '--host is empty');
  if (f.path !== undefined || f.replayPath !== undefined) return usage(io, '--path and --replay-path go with --model');

  let bundled: BundledTarget | undefined;
  try {
    if (f.host === undefined) bundled = await startBundledTarget();
    // A replay runs one case with its own seed; the run's seed is then that one, for the summary.
    const seed = f.replay?.seed ?? f.seed ?? randomInt(0, 0xffff_ffff);
    const options: HostFuzzOptions = {
      host: bundled?.host ?? f.host!,
      port: bundled?.port ?? f.port ?? 110,
      timeoutMs: f.timeout,
      creds: bundled ? { user: bundled.user, pass: bundled.pass } : f.user !== undefined && f.pass !== undefined ? { user: f.user, pass: f.pass } : undefined,
      seconds: f.seconds,
      seed,
      destructive: bundled !== undefined || f.destructive === true,
      ...(f.only ? { only: f.only } : {}),
      ...(f.replay ? { replay: f.replay } : {}),
      ...(bundled ? { awaitIdle: () => bundled!.awaitIdle() } : {}),
    };
    if (!f.replay && enabledCases(options).length === 0) return usage(io, 'no case is left to run (the --only cases need --user/--pass or --destructive)');
    const run: RunDescription = {
      host: options.host,
      port: options.port,
      bundled: bundled !== undefined,
      user: options.creds?.user,
      seconds: f.seconds,
      destructive: options.destructive,
      startedAt: new Date(),
    };
    const unusable = await preflight(options);
    if (unusable) {
      io.stderr.write(`popcheck fuzz: ${unusable}\n`);
      return FUZZ_EXIT.unreachable;
    }
    io.stderr.write(`popcheck fuzz: ${f.replay ? `replaying ${f.replay.name}:${f.replay.seed}` : `seed ${seed}, ${f.seconds} s`} against ${run.bundled ? 'the bundled server' : `${run.host}:${run.port}`}\n`);
    const result = await withProgress(new HostFuzzer(options), f.progress, io);
    io.stdout.write(`${summaryText(run, result)}\n`);
    if (f.report) {
      await writeFile(f.report, `${JSON.stringify(jsonReport(run, result), null, 2)}\n`);
      io.stdout.write(`report: ${f.report}\n`);
    }
    const dir = emitDirectory(f.emitFeature);
    if (dir && result.failureList.length > 0) {
      const file = await writeFeature(dir, `host-${run.bundled ? 'bundled' : run.host.replace(/[^A-Za-z0-9.-]/g, '_')}-${seed}.feature`, hostFeature(run, result.failureList));
      io.stdout.write(`scenarios: ${file}\n`);
    }
    return result.failures > 0 ? FUZZ_EXIT.failures : FUZZ_EXIT.ok;
  } finally {
    await bundled?.close();
  }
}

/** Runs with a progress line on stderr: rewritten in place on a terminal, every 5 s otherwise. */
async function withProgress(fuzzer: HostFuzzer, enabled: boolean, io: FuzzIo): Promise<Awaited<ReturnType<HostFuzzer['run']>>> {
  if (!enabled) return fuzzer.run();
  const tty = io.stderr.isTTY === true;
  const line = (): string => {
    const p = fuzzer.progress();
    const left = Math.max(0, fuzzer.options.seconds - Math.floor(p.elapsedMs / 1000));
    return `fuzz: ${p.cases} cases, ${p.failures} failure(s), ${rate(p)}/s, ${left} s left`;
  };
  const timer = setInterval(() => io.stderr.write(tty ? `\r${line()}\x1b[K` : `${line()}\n`), tty ? 1000 : 5000);
  try {
    return await fuzzer.run();
  } finally {
    clearInterval(timer);
    if (tty) io.stderr.write(`\r${line()}\x1b[K\n`);
  }
}

async function runModel(f: FuzzFlags, io: FuzzIo): Promise<number> {
  if (f.host !== undefined) return usage(io, '--model runs against the bundled server; --host does not apply');
  if (f.path !== undefined && f.seed === undefined) return usage(io, '--path needs --seed');
  const started = Date.now();
  io.stderr.write(`popcheck fuzz --model: ${f.runs} run(s), ${f.store} store${f.seed !== undefined ? `, seed ${f.seed}` : ''}\n`);
  const result = await checkModel({
    store: f.store,
    numRuns: f.runs,
    // fast-check seeds are signed 32-bit integers.
    ...(f.seed !== undefined ? { seed: f.seed | 0 } : {}),
    ...(f.path !== undefined ? { path: f.path } : {}),
    ...(f.replayPath !== undefined ? { replayPath: f.replayPath } : {}),
  });
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  if (!result.failure) {
    io.stdout.write(`popcheck fuzz --model: ${result.details.numRuns} run(s) passed in ${seconds} s (seed ${result.details.seed})\n`);
    return FUZZ_EXIT.ok;
  }
  const replay = (x: ModelFailure): string => `popcheck fuzz --model --store ${f.store} --seed ${x.seed} --path '${x.path}'${x.replayPath ? ` --replay-path '${x.replayPath}'` : ''}`;
  io.stdout.write(`${formatFailure(result.failure, replay)}\n`);
  const dir = emitDirectory(f.emitFeature);
  if (dir) io.stdout.write(`scenario: ${await writeModelFeature(result.failure, f.store, dir)}\n`);
  return FUZZ_EXIT.failures;
}

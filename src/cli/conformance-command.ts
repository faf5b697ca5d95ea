/**
 * `popcheck conformance`: option parsing and validation (commander), then src/harness/conformance.ts.
 * Every usage mistake is one line on stderr and exit 2, before anything connects or starts.
 */
import os from 'node:os';
import path from 'node:path';
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import type { FixtureMode, TlsMode } from '../harness/contract.js';
import { runConformance, type ConformanceIo, type TargetSpec } from '../harness/conformance.js';
import { EXIT, UsageError } from '../harness/exit-codes.js';
import { FORMAT_NAMES, parseFormatSpec } from '../harness/formats/output-formats.js';
import { projectRoot } from '../harness/project-root.js';
import { DEFAULT_MANAGER_PORT } from '../manager/limits.js';
import { defaultTokenPath, readTokenFile, TokenFileError } from '../manager/token.js';

const DEFAULT_FEATURES = ['features/**/*.feature'];
const DEFAULT_STEPS = ['steps/**/*.ts'];
/** features/interop/ drives real POP3 clients against its own server: not a check of the target. */
const DEFAULT_EXCLUDE = 'not @interop';
const DEFAULT_TIMEOUT_MS = 10_000;

const HELP_AFTER = `
Without --host, the bundled reference server is started in-process on 127.0.0.1 (and
::1) with empty Maildirs for alice/wonderland and bob/builder, a self-signed
certificate (so STLS is announced) and its manager on 127.0.0.1/udp; every scenario
runs (fixtures, destructive, @bundled and @manager ones included, STOP last); it is
stopped and removed after. --tls stls runs every scenario over STLS on its plain
port; --tls implicit over an implicit-TLS port it then also listens on.

Against a --host, nothing on the target is changed unless asked: @fixtures scenarios
need --fixtures maildir:PATH (the maildrop of --user, writable by popcheck), and
@destructive ones (DELE then QUIT) need --destructive. @bundled ones are skipped.
@manager ones need --manager-host (and --manager-token-file); the STOP scenario,
which stops the server, also needs --manager-allow-stop.

Verdicts: PASS, FAIL (a MUST, or a SHOULD with --strict), WARN (a SHOULD or MAY not
met, or a capability that works without being advertised), SKIP (with the reason;
"not advertised" is counted apart), ERROR (a harness or network problem).

Exit codes:
  0  every MUST passed (and nothing regressed against --baseline)
  1  a MUST failed (a SHOULD too with --strict); with --baseline, only failures
     the baseline does not already record count
  2  usage error (one line on stderr)
  3  target unreachable (no greeting), or a harness error (any ERROR verdict)
  4  regression: a scenario that passed in --baseline does not pass now

Examples:
  npm run conformance
  npm run conformance -- --tls implicit
  npm run conformance -- --host mail.example.org --tls implicit --user u --pass p
  npm run conformance -- --host 127.0.0.1 --port 11110 --user alice --pass wonderland \\
      --fixtures maildir:/tmp/popcheck-dovecot/mail/alice --destructive \\
      --format junit:reports/c.xml --format json --baseline docs/conformance/dovecot-baseline-none.json
  npm run conformance -- --host 127.0.0.1 --port 1110 --user alice --pass secret \\
      --manager-host 127.0.0.1 --manager-port 9090 --manager-token-file ~/.config/popcheck/manager.token
  npm run conformance -- --list --tags '@rfc1939 and @MUST'

See docs/conformance/README.md.
`;

interface RawOptions {
  host?: string;
  port?: number;
  tls: TlsMode;
  tlsInsecure?: boolean;
  user?: string;
  pass?: string;
  user2?: string;
  apopUser?: string;
  apopPass?: string;
  pass2?: string;
  fixtures?: FixtureMode;
  destructive?: boolean;
  tags?: string;
  parallel: number;
  timeout: number;
  strict?: boolean;
  format?: string[];
  baseline?: string;
  writeBaseline?: string;
  list?: boolean;
  progress: boolean;
  managerHost?: string;
  managerPort?: number;
  managerTokenFile?: string;
  managerAllowStop?: boolean;
  features?: string[];
  steps?: string[];
}

export function conformanceCommand(): Command {
  return new Command('popcheck conformance')
    .description('Run the POP3 conformance suite against the bundled server or any POP3 host')
    .helpOption('-h, --help', 'show help')
    .addOption(new Option('--host <host>', 'the POP3 server to test (default: start the bundled server)'))
    .addOption(new Option('--port <port>', 'its port (default 110, or 995 with --tls implicit)').argParser(parsePort))
    .addOption(
      new Option('--tls <mode>', 'none, implicit (TLS from the first byte, RFC 8314) or stls (RFC 2595); also for the bundled server')
        .choices(['none', 'implicit', 'stls'])
        .default('none'),
    )
    .addOption(new Option('--tls-insecure', 'accept a certificate that does not verify (self-signed test servers)'))
    .addOption(new Option('--user <user>', 'the account to log in with (required with --host)'))
    .addOption(new Option('--pass <password>', 'its password'))
    .addOption(new Option('--user2 <user>', 'a second account, for scenarios about two maildrops'))
    .addOption(new Option('--apop-user <user>', 'an account that logs in with APOP (default: --user, its password as the secret)'))
    .addOption(new Option('--apop-pass <secret>', 'the APOP account\'s shared secret'))
    .addOption(new Option('--pass2 <password>', "the second account's password"))
    .addOption(new Option('--manager-host <host>', "the target's manager (UDP, docs/manager-protocol.txt): enables the @manager scenarios"))
    .addOption(new Option('--manager-port <port>', `its port (default ${DEFAULT_MANAGER_PORT})`).argParser(parsePort))
    .addOption(new Option('--manager-token-file <file>', `the file holding the manager token, mode 0600 (default ${displayPath(defaultTokenPath())})`))
    .addOption(new Option('--manager-allow-stop', 'run the STOP scenario (last): it stops the server under test'))
    .addOption(new Option('--fixtures <spec>', 'maildir:PATH (write known messages into the maildrop of --user at PATH) or none').argParser(parseFixtures))
    .addOption(new Option('--destructive', 'allow scenarios that delete messages (DELE then QUIT)'))
    .addOption(new Option('--tags <expression>', "cucumber tag expression selecting scenarios, e.g. '@rfc1939 and not @MAY'"))
    .addOption(new Option('--parallel <n>', 'run scenarios in n worker processes (0: in this process)').argParser(parseCount).default(0))
    .addOption(new Option('--timeout <ms>', 'milliseconds to wait for each response').argParser(parsePositive).default(DEFAULT_TIMEOUT_MS))
    .addOption(new Option('--strict', 'count failed SHOULD scenarios as FAIL, not WARN'))
    .addOption(
      new Option('--format <format[:path]>', `write a report: ${FORMAT_NAMES.join(', ')}; repeatable; default path reports/conformance.<ext>`)
        .argParser(collect),
    )
    .addOption(new Option('--baseline <file>', 'gate on regressions against this baseline (exit 4) instead of on known failures'))
    .addOption(new Option('--write-baseline <file>', "write this run's verdicts as a baseline (waivers carried over)"))
    .addOption(new Option('--list', 'print the plan (scenarios, tags, what would be skipped and why) without connecting'))
    .addOption(new Option('--no-progress', 'do not show the progress line'))
    // For the harness's own tests: another feature set and its steps (globs relative to the package).
    .addOption(new Option('--features <glob>').argParser(collect).hideHelp())
    .addOption(new Option('--steps <glob>').argParser(collect).hideHelp())
    .addHelpText('after', HELP_AFTER);
}

/**
 * Entry point called by src/cli/popcheck.ts with the arguments after "conformance". Returns the
 * exit code. `io` is for tests: other streams, working directory or bundled-server factory.
 */
export async function runConformanceCli(argv: string[], io: Partial<ConformanceIo> = {}): Promise<number> {
  const stdout = io.stdout ?? process.stdout;
  const stderr = io.stderr ?? process.stderr;
  const command = conformanceCommand()
    .exitOverride()
    .configureOutput({
      writeOut: (s) => stdout.write(s),
      writeErr: (s) => stderr.write(s),
      // Commander's own errors: one line, in the shape of ours.
      outputError: (s, write) => write(`popcheck conformance: ${s.split('\n')[0]!.replace(/^error: /, '')} (see --help)\n`),
    });
  let raw: RawOptions;
  try {
    command.parse(argv, { from: 'user' });
    raw = command.opts<RawOptions>();
  } catch (err) {
    if (err instanceof CommanderError) return err.code === 'commander.helpDisplayed' || err.code === 'commander.help' ? EXIT.ok : EXIT.usage;
    throw err;
  }
  try {
    const root = projectRoot();
    return await runConformance(
      {
        target: await withManagerToken(targetOf(raw, io.cwd ?? process.cwd()), raw, io.cwd ?? process.cwd()),
        timeoutMs: raw.timeout,
        tags: raw.tags ?? '',
        strict: raw.strict === true,
        parallel: raw.parallel,
        formats: (raw.format ?? []).map(parseFormatSpec),
        baselineFile: raw.baseline,
        writeBaselineFile: raw.writeBaseline,
        list: raw.list === true,
        progress: raw.progress,
        suite: {
          cwd: root,
          featurePaths: raw.features ?? DEFAULT_FEATURES,
          importPaths: raw.steps ?? DEFAULT_STEPS,
          alwaysExclude: raw.features === undefined ? DEFAULT_EXCLUDE : undefined,
        },
      },
      { stdout, stderr, cwd: io.cwd ?? process.cwd(), startBundled: io.startBundled },
    );
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    stderr.write(`popcheck conformance: ${err.message}\n`);
    return EXIT.usage;
  }
}

/** Checks the combinations commander cannot, and builds the target. */
function targetOf(o: RawOptions, cwd: string): TargetSpec {
  const hostOnly = (
    ['port', 'tlsInsecure', 'user', 'pass', 'user2', 'pass2', 'apopUser', 'apopPass', 'fixtures', 'destructive', 'managerHost', 'managerPort', 'managerTokenFile', 'managerAllowStop'] as const
  ).filter((k) => o[k] !== undefined);
  if (o.host === undefined) {
    if (hostOnly.length > 0) {
      const names = hostOnly.map(flagName);
      throw new UsageError(`${names.join(', ')} only make${names.length === 1 ? 's' : ''} sense with --host (without it the bundled server is used)`);
    }
    return { kind: 'bundled', tls: o.tls };
  }
  if (o.host.trim() === '') throw new UsageError('--host is empty');
  if (o.user === undefined || o.pass === undefined) throw new UsageError('--host needs --user and --pass');
  if ((o.user2 === undefined) !== (o.pass2 === undefined)) throw new UsageError('--user2 and --pass2 go together');
  if ((o.apopUser === undefined) !== (o.apopPass === undefined)) throw new UsageError('--apop-user and --apop-pass go together');
  if (o.managerHost === undefined) {
    const managerOnly = (['managerPort', 'managerTokenFile', 'managerAllowStop'] as const).filter((k) => o[k] !== undefined).map(flagName);
    if (managerOnly.length > 0) throw new UsageError(`${managerOnly.join(', ')} only make${managerOnly.length === 1 ? 's' : ''} sense with --manager-host`);
  } else if (o.managerHost.trim() === '') throw new UsageError('--manager-host is empty');
  return {
    kind: 'host',
    world: {
      host: o.host,
      port: o.port ?? (o.tls === 'implicit' ? 995 : 110),
      tls: o.tls,
      tlsInsecure: o.tlsInsecure === true,
      account: { user: o.user, pass: o.pass },
      account2: o.user2 !== undefined && o.pass2 !== undefined ? { user: o.user2, pass: o.pass2 } : undefined,
      apopAccount: o.apopUser !== undefined && o.apopPass !== undefined ? { user: o.apopUser, pass: o.apopPass } : undefined,
      // Steps run with the package as working directory: hand them an absolute path.
      fixtures: o.fixtures?.kind === 'maildir' ? { kind: 'maildir', path: path.resolve(cwd, o.fixtures.path) } : { kind: 'none' },
      destructive: o.destructive === true,
      bundled: false,
      ...(o.managerHost !== undefined
        ? { managerHost: o.managerHost, managerPort: o.managerPort ?? DEFAULT_MANAGER_PORT, managerAllowStop: o.managerAllowStop === true }
        : {}),
    },
  };
}

/**
 * Reads the manager token for --manager-host. Only from a file (mode 0600), as `popcheck manager`
 * does: a token on the command line would show in ps (docs/manager-protocol.txt §4.1).
 */
async function withManagerToken(target: TargetSpec, o: RawOptions, cwd: string): Promise<TargetSpec> {
  if (target.kind !== 'host' || target.world.managerHost === undefined) return target;
  const file = o.managerTokenFile !== undefined ? path.resolve(cwd, o.managerTokenFile) : defaultTokenPath();
  try {
    return { kind: 'host', world: { ...target.world, managerToken: await readTokenFile(file) } };
  } catch (err) {
    if (err instanceof TokenFileError) throw new UsageError(`--manager-token-file: ${err.message}`);
    throw err;
  }
}

/** A path under the home folder as ~/..., for --help. */
function displayPath(file: string): string {
  const home = os.homedir();
  return home && file.startsWith(`${home}${path.sep}`) ? `~${file.slice(home.length)}` : file;
}

function flagName(key: string): string {
  return `--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
}

function parsePort(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < 1 || n > 65535) throw new InvalidArgumentError('expected a port number (1-65535)');
  return n;
}

function parseCount(value: string): number {
  if (!/^\d+$/.test(value)) throw new InvalidArgumentError('expected a whole number (0 or more)');
  return Number(value);
}

function parsePositive(value: string): number {
  if (!/^\d+$/.test(value) || Number(value) < 1) throw new InvalidArgumentError('expected a positive whole number');
  return Number(value);
}

function parseFixtures(value: string): FixtureMode {
  if (value === 'none') return { kind: 'none' };
  if (value.startsWith('maildir:') && value.length > 'maildir:'.length) return { kind: 'maildir', path: value.slice('maildir:'.length) };
  throw new InvalidArgumentError('expected maildir:PATH or none');
}

function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

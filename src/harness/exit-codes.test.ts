import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { EXIT } from './exit-codes.js';
import { startBrokenServer, type TestServer } from './testing/broken-server.js';
import { closedPort, ERROR_SUITE, hostArgs, runCli, TEST_SUITE } from './testing/cli-runner.js';

describe('popcheck conformance exit codes', () => {
  let good: TestServer;
  let noStuffing: TestServer;
  let noopFails: TestServer;
  let dir: string;

  beforeAll(async () => {
    [good, noStuffing, noopFails] = await Promise.all([startBrokenServer(), startBrokenServer(['no-byte-stuffing']), startBrokenServer(['noop-fails'])]);
    dir = await mkdtemp(path.join(os.tmpdir(), 'popcheck-exit-'));
  });
  afterAll(async () => {
    await Promise.all([good.close(), noStuffing.close(), noopFails.close()]);
    await rm(dir, { recursive: true, force: true });
  });

  it('0 when every MUST passes', async () => {
    const r = await runCli([...TEST_SUITE, ...hostArgs(good.port), '--fixtures', `maildir:${dir}`, '--destructive']);
    expect(r.stdout).toContain('Result: conformant (exit 0)');
    expect(r.code).toBe(EXIT.ok);
  });

  it('1 when a MUST fails', async () => {
    const r = await runCli([...TEST_SUITE, ...hostArgs(noStuffing.port), '--fixtures', `maildir:${dir}`]);
    expect(r.code).toBe(EXIT.mustFailed);
  });

  it('0 for a failed SHOULD (a WARN), 1 with --strict', async () => {
    const lax = await runCli([...TEST_SUITE, ...hostArgs(noopFails.port)]);
    expect(lax.code).toBe(EXIT.ok);
    expect(lax.stdout).toMatch(/WARN {2}NOOP answers \+OK/);
    const strict = await runCli([...TEST_SUITE, ...hostArgs(noopFails.port), '--strict']);
    expect(strict.code).toBe(EXIT.mustFailed);
  });

  it.each([
    [['--bogus'], /unknown option '--bogus'/],
    [['--port', '110'], /--port only makes sense with --host/],
    [['--tls', 'stls', '--tls-insecure'], /--tls-insecure only makes sense with --host/],
    [['--manager-host', '127.0.0.1', '--manager-allow-stop'], /--manager-host, --manager-allow-stop only make sense with --host/],
    [['--host', 'h', '--user', 'u', '--pass', 'p', '--manager-port', '9090'], /--manager-port only makes sense with --manager-host/],
    [['--host', 'h', '--user', 'u', '--pass', 'p', '--manager-host', 'h', '--manager-token-file', '/nonexistent/token'], /--manager-token-file: no token file/],
    [['--host', 'h'], /--host needs --user and --pass/],
    [['--host', 'h', '--user', 'u', '--pass', 'p', '--port', '99999'], /argument '99999' is invalid/],
    [['--host', 'h', '--user', 'u', '--pass', 'p', '--tls', 'ssl'], /argument 'ssl' is invalid/],
    [['--host', 'h', '--user', 'u', '--pass', 'p', '--fixtures', 'mbox:/x'], /expected maildir:PATH or none/],
    [['--host', 'h', '--user', 'u', '--pass', 'p', '--user2', 'v'], /--user2 and --pass2 go together/],
    [['--format', 'pdf'], /unknown report format "pdf"/],
    [[...TEST_SUITE, '--list', '--tags', '@rfc1939 and ('], /--tags: Tag expression/],
    [[...TEST_SUITE, '--list', '--tags', '@nothing-has-this'], /selects none of the \d+ scenarios/],
    [[...TEST_SUITE, '--baseline', '/nonexistent/baseline.json'], /cannot read baseline/],
  ])('2 with one line on stderr for a usage error: %j', async (args, message) => {
    const r = await runCli(args);
    expect(r.code).toBe(EXIT.usage);
    expect(r.stderr).toMatch(message);
    expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(r.stdout).toBe('');
  });

  it('0 for --help, which documents every exit code', async () => {
    const r = await runCli(['--help']);
    expect(r.code).toBe(EXIT.ok);
    for (const code of ['0', '1', '2', '3', '4']) expect(r.stdout).toMatch(new RegExp(`^ {2}${code} {2}\\S`, 'm'));
  });

  it('3 when the target does not answer, without running anything', async () => {
    const r = await runCli([...TEST_SUITE, ...hostArgs(await closedPort()), '--format', `json:${path.join(dir, 'unreachable.json')}`]);
    expect(r.code).toBe(EXIT.unreachable);
    expect(r.stderr).toMatch(/cannot read a greeting from 127\.0\.0\.1:\d+/);
    expect(r.stdout).toContain('target unreachable');
  });

  it('3 when a scenario ends in ERROR (undefined step, ERROR attachment, failed hook)', async () => {
    const r = await runCli([...ERROR_SUITE, ...hostArgs(good.port)]);
    expect(r.code).toBe(EXIT.unreachable);
    expect(r.stdout).toContain('undefined step: Given a step nobody defined');
    expect(r.stdout).toContain('the test step says so');
    expect(r.stdout).toMatch(/hook \(src\/harness\/testing\/steps\/test-world\.ts:\d+\) failed/);
    expect(r.stdout).toMatch(/^Total +1 +0 +0 +0 +0 +3$/m);
  });

  it('3 when a feature file does not parse, whatever --tags selects', async () => {
    const broken = ['--features', 'src/harness/testing/features-parse-error/*.feature', '--steps', 'src/harness/testing/steps/*.ts', '--no-progress'];
    for (const args of [[], ['--list'], ['--tags', '@rfc1939']]) {
      const r = await runCli([...broken, ...hostArgs(good.port), ...args]);
      expect(r.code, args.join(' ')).toBe(EXIT.unreachable);
      expect(r.stderr).toMatch(/broken\.feature:8: .*tag may not contain whitespace/);
    }
  });

  it('4 when a scenario that passed in the baseline fails now', async () => {
    const baseline = path.join(dir, 'baseline.json');
    const first = await runCli([...TEST_SUITE, ...hostArgs(good.port), '--fixtures', `maildir:${dir}`, '--write-baseline', baseline]);
    expect(first.code).toBe(EXIT.ok);
    const r = await runCli([...TEST_SUITE, ...hostArgs(noStuffing.port), '--fixtures', `maildir:${dir}`, '--baseline', baseline]);
    expect(r.code).toBe(EXIT.regression);
    expect(r.stdout).toContain('regression: src/harness/testing/features/retrieval.feature :: RETR byte-stuffs lines that start with a dot');
  });

  it('2 for a baseline that is not one', async () => {
    const bad = path.join(dir, 'bad-baseline.json');
    await writeFile(bad, JSON.stringify({ schemaVersion: 1, kind: 'popcheck-conformance-baseline', scenarios: { x: { verdict: 'FAIL', waiver: '' } } }));
    const r = await runCli([...TEST_SUITE, ...hostArgs(good.port), '--baseline', bad]);
    expect(r.code).toBe(EXIT.usage);
    expect(r.stderr).toMatch(/a waiver needs a reason/);
  });
});

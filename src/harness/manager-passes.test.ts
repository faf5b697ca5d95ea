import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { RunningTarget } from './bundled-target.js';
import type { WorldParameters } from './contract.js';
import { EXIT } from './exit-codes.js';
import type { PlannedScenario } from './plan.js';
import { planPasses } from './run-suite.js';
import { readTags } from './scenario-tags.js';
import { startBrokenServer, type TestServer } from './testing/broken-server.js';
import { hostArgs, MANAGER_SUITE, runCli } from './testing/cli-runner.js';

interface Entry {
  name: string;
  start: number;
  end: number;
  pid: number;
  port: number;
  tls: string;
  managerExclusive?: boolean;
  managerAllowStop?: boolean;
}

const LOG_ENV = 'POPCHECK_HARNESS_PASS_LOG';

describe('manager scenarios run in three passes', () => {
  let server: TestServer;
  let dir: string;
  let log: string;

  beforeAll(async () => {
    server = await startBrokenServer();
    dir = await mkdtemp(path.join(os.tmpdir(), 'popcheck-passes-'));
  });
  afterAll(async () => {
    await server.close();
    await rm(dir, { recursive: true, force: true });
  });
  beforeEach(async () => {
    log = path.join(dir, `log-${Math.random().toString(16).slice(2)}.jsonl`);
    process.env[LOG_ENV] = log;
  });
  afterEach(() => {
    delete process.env[LOG_ENV];
  });

  const entries = async (): Promise<Entry[]> =>
    (await readFile(log, 'utf8').catch(() => ''))
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as Entry);

  /** A bundled target that is the test server, with a (fake) manager and STOP allowed. */
  const fakeBundled = (managerWorld?: Partial<WorldParameters>) => async (): Promise<RunningTarget> => ({
    world: {
      host: '127.0.0.1',
      port: server.port,
      tls: 'none',
      tlsInsecure: true,
      account: { user: 'alice', pass: 'wonderland' },
      fixtures: { kind: 'none' },
      destructive: true,
      bundled: true,
      managerHost: '127.0.0.1',
      managerPort: 9,
      managerToken: 'fake-token-for-the-test-steps-only',
      managerAllowStop: true,
    },
    managerWorld,
    stop: async () => undefined,
  });

  it('shared scenarios first (in parallel), then the exclusive ones alone, then STOP last, each with its parameters', async () => {
    const r = await runCli([...MANAGER_SUITE, '--parallel', '2', '--timeout', '2000'], { startBundled: fakeBundled() });
    expect(r.code).toBe(EXIT.ok);
    expect(r.stdout).toMatch(/^Total +8 +0 +0 +0 +0 +0$/m);
    const seen = await entries();
    expect(seen.map((e) => e.name).sort()).toEqual(['exclusive 1', 'exclusive 2', 'rfc 1', 'rfc 2', 'rfc 3', 'shared manager 1', 'shared manager 2', 'stop']);

    const shared = seen.filter((e) => e.name.startsWith('rfc') || e.name.startsWith('shared'));
    const exclusive = seen.filter((e) => e.name.startsWith('exclusive'));
    const stop = seen.find((e) => e.name === 'stop')!;
    // The shared pass ran in the worker processes, the others in this one.
    expect(new Set(shared.map((e) => e.pid)).has(process.pid)).toBe(false);
    expect(exclusive.every((e) => e.pid === process.pid) && stop.pid === process.pid).toBe(true);
    // Order: every shared scenario ended before the first exclusive one started; STOP after all.
    const firstExclusive = Math.min(...exclusive.map((e) => e.start));
    expect(Math.max(...shared.map((e) => e.end))).toBeLessThanOrEqual(firstExclusive);
    expect(Math.max(...seen.filter((e) => e !== stop).map((e) => e.end))).toBeLessThanOrEqual(stop.start);
    // Exclusive scenarios overlap nothing.
    for (const x of exclusive) {
      for (const other of seen.filter((e) => e !== x)) expect(other.end <= x.start || other.start >= x.end, `${x.name} overlaps ${other.name}`).toBe(true);
    }
    // Parameters per pass.
    for (const e of shared) expect([e.managerExclusive, e.managerAllowStop]).toEqual([false, false]);
    for (const e of exclusive) expect([e.managerExclusive, e.managerAllowStop]).toEqual([true, false]);
    expect([stop.managerExclusive, stop.managerAllowStop]).toEqual([true, true]);
  });

  it('the report counts them under popcheck-manager/1, with the section of the spec', async () => {
    const r = await runCli([...MANAGER_SUITE, '--timeout', '2000'], { startBundled: fakeBundled() });
    expect(r.stdout).toMatch(/^RFC 1939 +MUST +3 +0 +0 +0 +0 +0$/m);
    expect(r.stdout).toMatch(/^popcheck-manager\/1 +MUST +4 +0 +0 +0 +0 +0$/m);
    expect(r.stdout).toMatch(/^popcheck-manager\/1 +SHOULD +1 +0 +0 +0 +0 +0$/m);
    expect(r.stdout).not.toContain('no RFC tag');
  });

  it('managerWorld: the @manager scenarios get their own parameters and a pass apart', async () => {
    const r = await runCli([...MANAGER_SUITE, '--timeout', '2000'], { startBundled: fakeBundled({ port: 4242, tls: 'none' }) });
    expect(r.code).toBe(EXIT.ok);
    const seen = await entries();
    for (const e of seen) expect(e.port, e.name).toBe(e.name.startsWith('rfc') ? server.port : 4242);
  });

  it('against a --host without --manager-host, the @manager scenarios are skipped before connecting', async () => {
    const r = await runCli([...MANAGER_SUITE, ...hostArgs(server.port)]);
    expect(r.code).toBe(EXIT.ok);
    expect(r.stdout).toMatch(/^Total +3 +0 +0 +5 +0 +0$/m);
    expect(r.stdout).toContain("5  needs the target's manager (run with --manager-host and --manager-token-file)");
    expect((await entries()).map((e) => e.name).sort()).toEqual(['rfc 1', 'rfc 2', 'rfc 3']);
  });

  it('against a --host with --manager-host: STOP only with --manager-allow-stop', async () => {
    const tokenFile = path.join(dir, 'manager.token');
    await writeFile(tokenFile, `${'ab'.repeat(32)}\n`);
    await chmod(tokenFile, 0o600);
    const manager = ['--manager-host', '127.0.0.1', '--manager-port', '9', '--manager-token-file', tokenFile];
    const without = await runCli([...MANAGER_SUITE, ...hostArgs(server.port), ...manager]);
    expect(without.code).toBe(EXIT.ok);
    expect(without.stdout).toMatch(/^Total +7 +0 +0 +1 +0 +0$/m);
    expect(without.stdout).toContain('1  stops the server under test (run with --manager-allow-stop)');
    expect((await entries()).map((e) => e.name)).not.toContain('stop');

    const withStop = await runCli([...MANAGER_SUITE, ...hostArgs(server.port), ...manager, '--manager-allow-stop']);
    expect(withStop.stdout).toMatch(/^Total +8 +0 +0 +0 +0 +0$/m);
    expect((await entries()).at(-1)?.name).toBe('stop');
  });

  it('a token file others can read is a usage error', async () => {
    const tokenFile = path.join(dir, 'open.token');
    await writeFile(tokenFile, `${'cd'.repeat(32)}\n`);
    await chmod(tokenFile, 0o644);
    const r = await runCli([...MANAGER_SUITE, ...hostArgs(server.port), '--manager-host', '127.0.0.1', '--manager-token-file', tokenFile]);
    expect(r.code).toBe(EXIT.usage);
    expect(r.stderr).toMatch(/--manager-token-file: the token file .* is readable by others/);
  });
});

describe('planPasses', () => {
  const scenario = (name: string, tags: string[]): PlannedScenario => ({
    id: name,
    uri: 'f.feature',
    line: 1,
    name,
    featureName: 'F',
    tags,
    parsed: readTags(tags),
  });
  const world = { host: 'h', port: 1, tls: 'implicit', managerAllowStop: true } as unknown as WorldParameters;
  const all = [
    scenario('stop', ['@manager', '@manager-exclusive', '@manager-stop']),
    scenario('x', ['@manager', '@manager-exclusive']),
    scenario('m', ['@manager']),
    scenario('r', ['@rfc1939']),
  ];

  it('orders the passes shared, exclusive, stop, and leaves out empty ones', () => {
    const passes = planPasses(all, world, 3);
    expect(passes.map((p) => [p.name, p.scenarios.map((s) => s.name), p.parallel])).toEqual([
      ['shared', ['m', 'r'], 3],
      ['exclusive', ['x'], 0],
      ['stop', ['stop'], 0],
    ]);
    expect(planPasses([all[3]!], world, 0).map((p) => p.name)).toEqual(['shared']);
  });

  it('with managerWorld, the shared @manager scenarios run apart with those parameters, as do the exclusive and STOP ones', () => {
    const passes = planPasses(all, world, 3, { port: 2, tls: 'none' });
    expect(passes.map((p) => [p.name, p.scenarios.map((s) => s.name), p.world.port, p.world.tls])).toEqual([
      ['shared', ['r'], 1, 'implicit'],
      ['manager', ['m'], 2, 'none'],
      ['exclusive', ['x'], 2, 'none'],
      ['stop', ['stop'], 2, 'none'],
    ]);
    expect(passes[0]!.tagExpression).toBe('not @manager-exclusive and not @manager-stop and not @manager');
    expect(passes[1]!.tagExpression).toBe('not @manager-exclusive and not @manager-stop and @manager');
  });
});

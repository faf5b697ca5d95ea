import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { startBundledTarget, type BundledOptions, type RunningTarget } from './bundled-target.js';
import { EXIT } from './exit-codes.js';
import type { ConformanceReport } from './report.js';
import { runCli, TLS_SUITE } from './testing/cli-runner.js';

describe('the bundled server over TLS', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'popcheck-tls-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  /** Runs the TLS-only features against the bundled server in this mode; keeps the target it started. */
  async function run(tls: 'none' | 'stls' | 'implicit'): Promise<{ code: number; stdout: string; report: ConformanceReport; target: RunningTarget }> {
    let target: RunningTarget | undefined;
    const json = path.join(dir, `${tls}.json`);
    const r = await runCli([...TLS_SUITE, ...(tls !== 'none' ? ['--tls', tls] : []), '--format', `json:${json}`], {
      startBundled: async (options: BundledOptions) => (target = await startBundledTarget(options)),
    });
    return { ...r, report: JSON.parse(await readFile(json, 'utf8')) as ConformanceReport, target: target! };
  }

  it('--tls stls without --host: every scenario runs over STLS on the plain port and passes', async () => {
    const r = await run('stls');
    expect(r.code).toBe(EXIT.ok);
    expect(r.stdout).toContain('popcheck conformance against the bundled reference server (tls stls,');
    expect(r.stdout).toMatch(/^Total +2 +0 +0 +0 +0 +0$/m);
    expect(r.target.world).toMatchObject({ tls: 'stls', tlsInsecure: true, bundled: true });
    expect(r.report.target.tls).toBe('stls');
    // Its manager scenarios would reach POP3 on the same plain port.
    expect(r.target.managerWorld).toEqual({ port: r.target.world.port, tls: 'none' });
  });

  it('--tls implicit without --host: the bundled server also listens with implicit TLS and the run uses that port', async () => {
    const r = await run('implicit');
    expect(r.code).toBe(EXIT.ok);
    expect(r.stdout).toMatch(/^Total +2 +0 +0 +0 +0 +0$/m);
    expect(r.target.world).toMatchObject({ tls: 'implicit', tlsInsecure: true });
    expect(r.report.target).toMatchObject({ tls: 'implicit', bundled: true });
    // The @manager scenarios get the plain port, which is another one.
    expect(r.target.managerWorld?.port).not.toBe(r.target.world.port);
  });

  it('--tls none (the default): the same features fail, so they do check TLS', async () => {
    const r = await run('none');
    expect(r.code).toBe(EXIT.mustFailed);
    expect(r.stdout).toMatch(/^Total +0 +2 +0 +0 +0 +0$/m);
    expect(r.stdout).toContain("the session is not encrypted (the run's --tls is none");
    expect(r.target.managerWorld).toBeUndefined();
  });

  it('--list with --tls and no --host names the mode and starts nothing', async () => {
    const r = await runCli([...TLS_SUITE, '--tls', 'implicit', '--list'], {
      startBundled: () => {
        throw new Error('--list must not start the server');
      },
    });
    expect(r.code).toBe(EXIT.ok);
    expect(r.stdout).toContain('Plan against the bundled reference server (tls implicit): 2 scenarios, 2 to run, 0 skipped');
  });
});

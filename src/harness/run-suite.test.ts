import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { startBundledTarget, type RunningTarget } from './bundled-target.js';
import { EXIT } from './exit-codes.js';
import { startBrokenServer, type TestServer } from './testing/broken-server.js';
import { hostArgs, runCli, TEST_SUITE } from './testing/cli-runner.js';

describe('running the suite', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startBrokenServer();
  });
  afterAll(async () => {
    await server.close();
  });

  it('gives the same verdicts with --parallel workers (which load the TypeScript steps themselves)', async () => {
    const serial = await runCli([...TEST_SUITE, ...hostArgs(server.port), '--format', 'json:/dev/null']);
    const parallel = await runCli([...TEST_SUITE, ...hostArgs(server.port), '--parallel', '2']);
    expect(parallel.code).toBe(EXIT.ok);
    const table = (s: string): string => s.slice(s.indexOf('RFC '), s.indexOf('Total'));
    expect(table(parallel.stdout)).toBe(table(serial.stdout));
    expect(parallel.stdout).toMatch(/^Total +7 +0 +0 +3 +0 +0$/m);
  });

  it('without --host, starts the bundled server on loopback, runs everything, then stops it and removes its root', async () => {
    let target: RunningTarget | undefined;
    const r = await runCli([...TEST_SUITE, '--tags', '@req-1939-STATUS-1 or @req-popcheck-BUNDLED-1'], {
      startBundled: async (options) => (target = await startBundledTarget(options)),
    });
    expect(r.code).toBe(EXIT.ok);
    expect(r.stdout).toMatch(/^Total +2 +0 +0 +0 +0 +0$/m);
    expect(target?.world).toMatchObject({ host: '127.0.0.1', tls: 'none', bundled: true, destructive: true, fixtures: { kind: 'maildir' } });
    // With its manager, so the @manager scenarios run, and STOP allowed (it runs last).
    expect(target?.world).toMatchObject({ managerHost: '127.0.0.1', managerAllowStop: true });
    expect(target?.world.managerToken).toMatch(/^[0-9a-f]{64}$/);
    const fixtures = target?.world.fixtures;
    expect(fixtures?.kind === 'maildir' && existsSync(fixtures.path)).toBe(false);
  });
});

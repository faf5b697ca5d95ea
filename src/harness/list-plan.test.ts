import { describe, expect, it } from 'vitest';
import { EXIT } from './exit-codes.js';
import { closedPort, hostArgs, MANAGER_SUITE, runCli, TEST_SUITE } from './testing/cli-runner.js';

describe('--list', () => {
  it('prints the plan with tags and skip reasons, without connecting (the port is closed)', async () => {
    const r = await runCli([...TEST_SUITE, ...hostArgs(await closedPort()), '--list']);
    expect(r.code).toBe(EXIT.ok);
    expect(r.stderr).toBe('');
    expect(r.stdout).toContain('10 scenarios, 7 to run, 3 skipped');
    expect(r.stdout).toContain(
      [
        'SKIP  src/harness/testing/features/retrieval.feature:5  RETR byte-stuffs lines that start with a dot',
        '      tags: @rfc1939 @sec-7 @MUST @fixtures @req-1939-RETR-3',
        '      skip: needs known messages in the maildrop (run with --fixtures maildir:PATH)',
      ].join('\n'),
    );
    expect(r.stdout).toContain('skip: deletes messages (run with --destructive)');
    expect(r.stdout).toContain('skip: needs the bundled reference server (run without --host)');
    expect(r.stdout).toContain('RUN   src/harness/testing/features/retrieval.feature:17  LIST 1 gives the size of message 1');
  });

  it('follows --tags, --fixtures and --destructive', async () => {
    const r = await runCli([...TEST_SUITE, ...hostArgs(await closedPort()), '--list', '--tags', '@rfc1939 and @MUST', '--fixtures', 'maildir:/tmp/x', '--destructive']);
    expect(r.stdout).toContain('6 scenarios, 6 to run, 0 skipped');
  });

  it('against the bundled server, runs everything and starts nothing', async () => {
    const r = await runCli([...TEST_SUITE, '--list'], {
      startBundled: () => {
        throw new Error('--list must not start the server');
      },
    });
    expect(r.code).toBe(EXIT.ok);
    expect(r.stdout).toContain('Plan against the bundled reference server: 10 scenarios, 10 to run, 0 skipped');
  });

  it('against the bundled server, the @manager scenarios run, STOP included', async () => {
    const r = await runCli([...MANAGER_SUITE, '--list']);
    expect(r.code).toBe(EXIT.ok);
    expect(r.stdout).toContain('Plan against the bundled reference server: 8 scenarios, 8 to run, 0 skipped');
  });
});

/**
 * Issue 4: the host fuzzer in-process. Against the bundled server it must find nothing; against a
 * tiny deliberately broken server it must report each fault with a replay that reproduces it.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { startBundledTarget, type BundledTarget } from '../bundled.js';
import { startBrokenPop3, type BrokenFault, type BrokenServer } from '../testing/broken-pop3.js';
import { CASES } from './cases.js';
import { hostFeature } from './gherkin.js';
import { jsonReport, type RunDescription } from './report.js';
import { enabledCases, preflight, runHostFuzz, type HostFuzzOptions } from './runner.js';

let bundled: BundledTarget | undefined;
let broken: BrokenServer | undefined;
afterEach(async () => {
  await bundled?.close();
  await broken?.close();
  bundled = broken = undefined;
});

const creds = { user: 'alice', pass: 'wonderland' };

function against(port: number, extra: Partial<HostFuzzOptions> = {}): HostFuzzOptions {
  return { host: '127.0.0.1', port, timeoutMs: 3000, creds, seconds: 2, seed: 1234, destructive: false, ...extra };
}

describe('host fuzzer against the bundled server', () => {
  it('runs every case for a few seconds and finds nothing', async () => {
    bundled = await startBundledTarget();
    const options = against(bundled.port, { seconds: 3, destructive: true, awaitIdle: () => bundled!.awaitIdle() });
    expect(await preflight(options)).toBeUndefined();
    const result = await runHostFuzz(options);
    expect(result.failureList.map((f) => `${f.name}:${f.seed}: ${f.problems.join('; ')}`)).toEqual([]);
    expect(result.stoppedBecause).toBeUndefined();
    expect(Object.keys(result.perCase).sort()).toEqual(CASES.map((c) => c.name).sort());
    expect(result.cases).toBeGreaterThan(50);
    expect(result.responseLines).toBeGreaterThan(result.cases);
  }, 30_000);
});

describe('host fuzzer against a broken server', () => {
  async function fuzzBroken(fault: BrokenFault, only: string[]) {
    broken = await startBrokenPop3(fault);
    const options = against(broken.port, { only, maxCases: 12 });
    expect(await preflight(options)).toBeUndefined();
    return { options, result: await runHostFuzz(options) };
  }

  it('reports "+ok" answers (RFC 1939 §3) with the octets that caused them', async () => {
    const { options, result } = await fuzzBroken('lowercase-echo', ['control-bytes', 'random-octets']);
    expect(result.failures).toBeGreaterThan(0);
    const f = result.failureList[0]!;
    expect(f.problems.join('\n')).toMatch(/rfc1939-3-status: status indicator in wrong case/);
    const writes = f.replay.flatMap((c) => c.actions).filter((a) => a.kind === 'write');
    expect(writes.length).toBeGreaterThan(0);

    // The case's name and seed regenerate the same octets and the same failure.
    const again = await runHostFuzz({ ...options, replay: { name: f.name, seed: f.seed } });
    expect(again.failures).toBe(1);
    const againWrites = again.failureList[0]!.replay.flatMap((c) => c.actions).filter((a) => a.kind === 'write');
    expect(againWrites.map((a) => (a.kind === 'write' ? a.octets.toString('base64') : ''))).toEqual(writes.map((a) => (a.kind === 'write' ? a.octets.toString('base64') : '')));

    // The JSON report carries the exact octets, base64; the feature the escaped ones.
    const run: RunDescription = { host: '127.0.0.1', port: options.port, bundled: false, user: 'alice', seconds: 2, destructive: false, startedAt: new Date() };
    const json = JSON.parse(JSON.stringify(jsonReport(run, result))) as { failureList: Array<{ replayCommand: string; replay: Array<{ actions: Array<{ kind: string; base64?: string }> }> }> };
    const first = json.failureList[0]!;
    expect(first.replayCommand).toBe(`popcheck fuzz --host 127.0.0.1 --port ${options.port} --user alice --pass '<password>' --replay ${f.name}:${f.seed}`);
    const b64 = first.replay.flatMap((c) => c.actions).find((a) => a.kind === 'write')!.base64!;
    expect(Buffer.from(b64, 'base64').equals(writes[0]!.kind === 'write' ? writes[0]!.octets : Buffer.alloc(0))).toBe(true);
    const feature = hostFeature(run, result.failureList);
    expect(feature).toContain('When the client sends the octets "');
    expect(feature).toContain('And every status indicator in the scenario is "+OK" or "-ERR" in upper case');
    expect(feature).not.toContain('wonderland');
  }, 30_000);

  it('reports a response line over 512 octets (RFC 2449 §4)', async () => {
    const { result } = await fuzzBroken('overlong-error', ['control-bytes']);
    expect(result.failures).toBeGreaterThan(0);
    expect(result.failureList[0]!.problems.join('\n')).toMatch(/rfc2449-4-line-length/);
  }, 30_000);

  it('reports a server that dies on a long line, and stops there', async () => {
    const { result } = await fuzzBroken('crash-on-long-line', ['long-line']);
    expect(result.failures).toBe(1);
    expect(result.stoppedBecause).toMatch(/stopped accepting connections/);
    const f = result.failureList[0]!;
    expect(f.problems.join('\n')).toMatch(/fresh connection failed/);
    const longest = Math.max(...f.replay.flatMap((c) => c.actions).map((a) => (a.kind === 'write' ? a.octets.length : 0)));
    expect(longest).toBeGreaterThan(1000);
  }, 30_000);
});

describe('case selection', () => {
  it('leaves out cases that log in without an account and DELE cases without --destructive', () => {
    const names = (o: Parameters<typeof enabledCases>[0]): string[] => enabledCases(o).map((c) => c.name);
    expect(names({ creds: undefined, destructive: false })).not.toContain('hostile-numbers');
    expect(names({ creds, destructive: false })).not.toContain('dele-quit');
    expect(names({ creds, destructive: true })).toContain('dele-quit');
    expect(names({ creds, destructive: true, only: ['long-line'] })).toEqual(['long-line']);
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { BASELINE_KIND, baselineFromRun, readBaseline, type Baseline } from './baseline.js';
import { EXIT } from './exit-codes.js';
import { decideExit } from './gate.js';
import { startBrokenServer, type TestServer } from './testing/broken-server.js';
import { hostArgs, runCli, TEST_SUITE } from './testing/cli-runner.js';
import { fakeResult } from './testing/fake-results.js';

const id = (name: string): string => `features/x.feature :: ${name}`;
const baseline = (entries: Record<string, Baseline['scenarios'][string]>): Baseline => ({
  schemaVersion: 1,
  kind: BASELINE_KIND,
  scenarios: Object.fromEntries(Object.entries(entries).map(([k, v]) => [id(k), v])),
});

describe('baseline gate', () => {
  it('exit 4 only for scenarios that passed in the baseline and do not pass now', () => {
    const gate = decideExit({
      scenarios: [fakeResult('a', 'FAIL'), fakeResult('b', 'WARN'), fakeResult('c', 'PASS'), fakeResult('d', 'FAIL')],
      harnessErrors: [],
      baseline: baseline({ a: { verdict: 'PASS' }, b: { verdict: 'PASS' }, c: { verdict: 'FAIL' }, d: { verdict: 'FAIL' } }),
    });
    expect(gate.exitCode).toBe(EXIT.regression);
    expect(gate.regressions).toEqual([id('a'), id('b')]);
    expect(gate.knownFailures).toEqual([id('d')]);
  });

  it('known failures do not fail the gate; a failure the baseline does not know still exits 1', () => {
    const known = decideExit({ scenarios: [fakeResult('a', 'FAIL')], harnessErrors: [], baseline: baseline({ a: { verdict: 'FAIL' } }) });
    expect(known.exitCode).toBe(EXIT.ok);
    const unknown = decideExit({ scenarios: [fakeResult('new', 'FAIL')], harnessErrors: [], baseline: baseline({ a: { verdict: 'FAIL' } }) });
    expect(unknown.exitCode).toBe(EXIT.mustFailed);
  });

  it('a waived scenario never fails the gate, even with ERROR', () => {
    const gate = decideExit({
      scenarios: [fakeResult('a', 'FAIL'), fakeResult('b', 'ERROR')],
      harnessErrors: [],
      baseline: baseline({ a: { verdict: 'PASS', waiver: 'flaky on this target' }, b: { verdict: 'PASS', waiver: 'known harness gap' } }),
    });
    expect(gate).toMatchObject({ exitCode: EXIT.ok, waived: [id('a'), id('b')], regressions: [] });
  });

  it('a SKIP caused by the options is no regression; a SKIP decided by the target is', () => {
    const gate = decideExit({
      scenarios: [fakeResult('opt', 'SKIP', 'option'), fakeResult('capa', 'SKIP', 'not-advertised')],
      harnessErrors: [],
      baseline: baseline({ opt: { verdict: 'PASS' }, capa: { verdict: 'PASS' } }),
    });
    expect(gate.regressions).toEqual([id('capa')]);
  });

  it('ERROR and harness errors win over everything (exit 3)', () => {
    expect(decideExit({ scenarios: [fakeResult('a', 'ERROR'), fakeResult('b', 'FAIL')], harnessErrors: [] }).exitCode).toBe(EXIT.unreachable);
    expect(decideExit({ scenarios: [], harnessErrors: ['parse error'] }).exitCode).toBe(EXIT.unreachable);
    expect(decideExit({ scenarios: [], harnessErrors: [], unreachable: 'no greeting' }).exitCode).toBe(EXIT.unreachable);
  });

  it('without a baseline: a WARN passes, a FAIL exits 1', () => {
    expect(decideExit({ scenarios: [fakeResult('a', 'WARN')], harnessErrors: [] }).exitCode).toBe(EXIT.ok);
    expect(decideExit({ scenarios: [fakeResult('a', 'FAIL')], harnessErrors: [] }).exitCode).toBe(EXIT.mustFailed);
  });

  it('a written baseline carries the previous waivers over', () => {
    const b = baselineFromRun([fakeResult('b', 'FAIL'), fakeResult('a', 'PASS')], 'host:110', baseline({ b: { verdict: 'FAIL', waiver: 'deviation' } }));
    expect(Object.keys(b.scenarios)).toEqual([id('a'), id('b')]);
    expect(b.scenarios[id('b')]).toEqual({ verdict: 'FAIL', waiver: 'deviation' });
  });
});

describe('--baseline and --write-baseline', () => {
  let noStuffing: TestServer;
  let dir: string;
  const retr = 'src/harness/testing/features/retrieval.feature :: RETR byte-stuffs lines that start with a dot';

  beforeAll(async () => {
    noStuffing = await startBrokenServer(['no-byte-stuffing']);
    dir = await mkdtemp(path.join(os.tmpdir(), 'popcheck-baseline-'));
  });
  afterAll(async () => {
    await noStuffing.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('a run gated on its own baseline passes (known failures), and a waiver survives rewriting', async () => {
    const file = path.join(dir, 'b.json');
    const args = [...TEST_SUITE, ...hostArgs(noStuffing.port), '--fixtures', `maildir:${dir}`];
    expect((await runCli([...args, '--write-baseline', file])).code).toBe(EXIT.mustFailed);
    const written = await readBaseline(file);
    expect(written.scenarios[retr]).toEqual({ verdict: 'FAIL' });

    const gated = await runCli([...args, '--baseline', file]);
    expect(gated.code).toBe(EXIT.ok);
    expect(gated.stdout).toContain('0 regression(s), 1 known failure(s), 0 waived');

    const waived = { ...written, scenarios: { ...written.scenarios, [retr]: { verdict: 'PASS' as const, waiver: 'the test server never stuffs' } } };
    await writeFile(file, JSON.stringify(waived));
    const r = await runCli([...args, '--baseline', file, '--write-baseline', file]);
    expect(r.code).toBe(EXIT.ok);
    expect(r.stdout).toContain('1 waived');
    const rewritten = JSON.parse(await readFile(file, 'utf8')) as Baseline;
    expect(rewritten.scenarios[retr]).toEqual({ verdict: 'FAIL', waiver: 'the test server never stuffs' });
  });
});

/** `popcheck fuzz` (src/cli/fuzz-command.ts): exit codes, report, emitted scenarios, --model. */
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runFuzzCli, type FuzzIo } from '../cli/fuzz-command.js';
import { startBrokenPop3, type BrokenServer } from './testing/broken-pop3.js';

function io(): FuzzIo & { out: () => string; err: () => string } {
  let out = '';
  let err = '';
  return { stdout: { write: (s: string) => (out += s) }, stderr: { write: (s: string) => (err += s) }, out: () => out, err: () => err };
}

async function closedPort(): Promise<number> {
  const s = net.createServer().listen(0, '127.0.0.1');
  await new Promise((r) => s.once('listening', r));
  const { port } = s.address() as net.AddressInfo;
  await new Promise((r) => s.close(r));
  return port;
}

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'popcheck-fuzz-cli-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('popcheck fuzz', () => {
  it('lists its cases', async () => {
    const x = io();
    expect(await runFuzzCli(['--list'], x)).toBe(0);
    expect(x.out()).toMatch(/^long-line /m);
    expect(x.out()).toMatch(/^dele-quit .*\[destructive\]/m);
  });

  it.each([
    [['--seconds', 'abc']],
    [['--host', '127.0.0.1', '--user', 'a']],
    [['--port', '110']],
    [['--only', 'no-such-case']],
    [['--replay', 'long-line']],
    [['--model', '--host', 'x']],
  ])('exits 2 on a usage error: %j', async (argv) => {
    const x = io();
    expect(await runFuzzCli(argv, x)).toBe(2);
    expect(x.err()).toMatch(/^popcheck fuzz: .*\(see --help\)\n$/);
  });

  it('exits 3 when the target cannot be reached', async () => {
    const x = io();
    expect(await runFuzzCli(['--host', '127.0.0.1', '--port', String(await closedPort()), '--timeout', '1000'], x)).toBe(3);
    expect(x.err()).toMatch(/cannot reach 127\.0\.0\.1/);
  });

  it('exits 0 against the bundled server and writes the JSON report', async () => {
    const x = io();
    const report = path.join(dir, 'bundled.json');
    expect(await runFuzzCli(['--seconds', '1', '--seed', '7', '--report', report, '--no-progress'], x)).toBe(0);
    expect(x.out()).toMatch(/popcheck fuzz: \d+ cases against the bundled server .* seed 7\n {2}0 failure\(s\)/);
    const json = JSON.parse(await readFile(report, 'utf8')) as { cases: number; failures: number; seed: number };
    expect(json).toMatchObject({ failures: 0, seed: 7 });
    expect(json.cases).toBeGreaterThan(0);
  }, 20_000);

  describe('against a broken server', () => {
    let broken: BrokenServer;
    beforeAll(async () => {
      broken = await startBrokenPop3('lowercase-echo');
    });
    afterAll(() => broken.close());

    it('exits 1, prints the replay, writes the report and the scenarios', async () => {
      const x = io();
      const features = path.join(dir, 'features');
      const argv = ['--host', '127.0.0.1', '--port', String(broken.port), '--user', 'alice', '--pass', 'wonderland', '--seconds', '1', '--only', 'control-bytes'];
      expect(await runFuzzCli([...argv, '--seed', '99', '--report', path.join(dir, 'broken.json'), '--emit-feature', features, '--no-progress'], x)).toBe(1);
      expect(x.out()).toMatch(/FAIL control-bytes \(case 0, seed \d+\)/);
      const replay = /replay: popcheck fuzz (.*) --replay (control-bytes:\d+)/.exec(x.out());
      expect(replay).not.toBeNull();
      const files = await readdir(features);
      expect(files).toEqual([`host-127.0.0.1-99.feature`]);
      expect(await readFile(path.join(features, files[0]!), 'utf8')).toMatch(/Scenario: control-bytes \(seed \d+\)/);
      // The printed replay runs the one case again, and fails again.
      const again = io();
      expect(await runFuzzCli([...argv, '--replay', replay![2]!, '--no-progress'], again)).toBe(1);
      expect(again.out()).toMatch(/popcheck fuzz: 1 cases/);
    }, 20_000);
  });

  it('--model runs the model-based test against the bundled server', async () => {
    const x = io();
    expect(await runFuzzCli(['--model', '--runs', '5', '--seed', '3'], x)).toBe(0);
    expect(x.out()).toMatch(/5 run\(s\) passed .*seed 3/);
  }, 20_000);
});

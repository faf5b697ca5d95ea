/**
 * Issue 4: the model run must catch a broken build. Each test breaks one promise of the store on
 * purpose and asserts that the run fails, that shrinking leaves a short counterexample, that the
 * printed seed/path replay it, and that it turns into a readable scenario.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { duplicateListing, greedyExpunge } from '../testing/broken-stores.js';
import { writeModelFeature } from './gherkin.js';
import { formatFailure, vitestReplay } from './report.js';
import { checkModel } from './run-model.js';

describe('a deliberately broken store is caught by the model run', () => {
  it('UPDATE that removes one message too many: fails, shrinks to a short session, replays, becomes a scenario', async () => {
    const result = await checkModel({ store: 'memory', wrapStore: greedyExpunge, numRuns: 500, seed: 42, timeLimitMs: 20_000, limits: { maxBadCommands: 3 } });
    expect(result.details.failed).toBe(true);
    const f = result.failure!;
    // Shrunk: log in, DELE, QUIT, then the check of the maildrop; nothing else is needed.
    expect(f.commands.length).toBeLessThanOrEqual(5);
    expect(f.spec.messages.length).toBeLessThanOrEqual(3);
    expect(f.trace.filter((e) => e.kind === 'command').map((e) => (e.kind === 'command' ? e.step.intent.t : ''))).toContain('DELE');
    expect(f.replayError).toMatch(/checking the maildrop/);

    const report = formatFailure(f, vitestReplay('x.test.ts'));
    expect(report).toContain(`FUZZ_SEED=${f.seed}`);
    expect(report).toContain('C: DELE 1');

    // The printed seed, path and replayPath reproduce it in one run.
    const again = await checkModel({ store: 'memory', wrapStore: greedyExpunge, numRuns: 1, seed: f.seed, path: f.path, replayPath: f.replayPath!, limits: { maxBadCommands: 3 } });
    expect(again.details.failed).toBe(true);
    expect(again.details.numRuns).toBe(1);

    const dir = await mkdtemp(path.join(os.tmpdir(), 'popcheck-fuzz-'));
    try {
      const feature = await readFile(await writeModelFeature(f, 'memory', dir), 'utf8');
      expect(feature).toMatch(/^@regression .*@destructive/m);
      expect(feature).toContain('When the client sends "USER ${user}"');
      expect(feature).toContain('When the client sends "DELE 1"');
      expect(feature).toMatch(/When client B logs in\n.*sends "STAT"\n.*Then the drop listing counts \d+ messages?/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 60_000);

  it('a listing that shows a message twice: fails at once, on reading the maildrop', async () => {
    const result = await checkModel({ store: 'memory', wrapStore: duplicateListing, numRuns: 200, seed: 7, timeLimitMs: 20_000, fixtures: false });
    expect(result.details.failed).toBe(true);
    expect(result.failure!.spec.messages.length).toBe(1);
    expect(result.failure!.error).toMatch(/2 messages .* the model 1|unique-id/);
  }, 60_000);
});

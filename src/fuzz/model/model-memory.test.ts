/**
 * Issue 4: model-based testing of the reference server over real TCP (MemoryStore). Every answer is
 * compared with the model: status, response code, exact STAT/LIST/UIDL values, exact RETR/TOP
 * bytes, grammar; after QUIT and after a dropped connection the stored maildrop is checked.
 * FUZZ_RUNS raises the run count; a failure prints its replay (see from-env.ts).
 */
import { describe, expect, it } from 'vitest';
import { knobsFromEnv, modelCheckFromEnv } from './from-env.js';

const FILE = 'src/fuzz/model/model-memory.test.ts';
const knobs = knobsFromEnv();
const timeout = Math.max(60_000, (knobs.runs ?? 0) * 100);

describe('the reference server against the POP3 model (MemoryStore)', () => {
  it(
    'answers every generated session as the model does, with a bad-command limit of 3',
    async () => {
      // A low limit makes the "too many bad commands" close happen often enough to be checked.
      const report = await modelCheckFromEnv({ store: 'memory', limits: { maxBadCommands: 3 }, defaultRuns: 150, testFile: FILE, storeName: 'memory' }, knobs);
      expect(report, report).toBeUndefined();
    },
    timeout,
  );

  it(
    'answers every generated session as the model does, with the default limits',
    async () => {
      const report = await modelCheckFromEnv({ store: 'memory', defaultRuns: 50, testFile: FILE, storeName: 'memory-default-limits' }, knobs);
      expect(report, report).toBeUndefined();
    },
    timeout,
  );
});

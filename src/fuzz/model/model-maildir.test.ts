/**
 * Issue 4: the same model run with the server over a MaildirStore in a temporary folder (fewer
 * runs: every run creates and removes a folder tree). Unique-ids and removals are checked against
 * what is on disk, through the server.
 */
import { describe, expect, it } from 'vitest';
import { knobsFromEnv, modelCheckFromEnv } from './from-env.js';

const knobs = knobsFromEnv();

describe('the reference server against the POP3 model (MaildirStore)', () => {
  it(
    'answers every generated session as the model does',
    async () => {
      const runs = knobs.runs !== undefined ? Math.max(1, Math.ceil(knobs.runs / 5)) : 25;
      const report = await modelCheckFromEnv({ store: 'maildir', defaultRuns: runs, testFile: 'src/fuzz/model/model-maildir.test.ts', storeName: 'maildir' }, { ...knobs, runs });
      expect(report, report).toBeUndefined();
    },
    Math.max(60_000, (knobs.runs ?? 0) * 100),
  );
});

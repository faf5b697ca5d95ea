import { describe, expect, it } from 'vitest';
import type { VerdictAttachment } from './contract.js';
import type { ScenarioRun, StepOutcome } from './scenario-run.js';
import { readTags } from './scenario-tags.js';
import { decideVerdict } from './verdict.js';

const step = (status: string, extra: Partial<StepOutcome> = {}): StepOutcome => ({ kind: 'step', text: 'Then it works', status, ...extra });

function run(steps: StepOutcome[], verdicts: VerdictAttachment[] = [], extra: Partial<ScenarioRun> = {}): ScenarioRun {
  return {
    pickleId: 'p',
    uri: 'f.feature',
    name: 's',
    line: 1,
    featureName: 'F',
    tags: [],
    planned: true,
    finished: true,
    steps,
    verdicts,
    badVerdicts: [],
    transcripts: [],
    durationMs: 0,
    ...extra,
  };
}

const MUST = readTags(['@MUST']);
const SHOULD = readTags(['@SHOULD']);
const MAY = readTags(['@MAY']);

describe('verdicts', () => {
  it('PASS when every step passed', () => {
    expect(decideVerdict(run([step('PASSED')]), MUST, false).verdict).toBe('PASS');
  });

  it('a failed step: FAIL for MUST, WARN for SHOULD (FAIL with --strict), WARN for MAY even with --strict', () => {
    const failed = run([step('FAILED', { message: 'boom' }), step('SKIPPED')]);
    expect(decideVerdict(failed, MUST, false)).toMatchObject({ verdict: 'FAIL', message: 'boom', reason: 'failed at: Then it works' });
    expect(decideVerdict(failed, SHOULD, false).verdict).toBe('WARN');
    expect(decideVerdict(failed, SHOULD, true).verdict).toBe('FAIL');
    expect(decideVerdict(failed, MAY, true).verdict).toBe('WARN');
  });

  it('a scenario without a level tag counts as MUST', () => {
    expect(decideVerdict(run([step('FAILED')]), readTags([]), false).verdict).toBe('FAIL');
  });

  it.each(['UNDEFINED', 'AMBIGUOUS', 'PENDING'])('ERROR for a %s step (a harness problem)', (status) => {
    expect(decideVerdict(run([step(status)]), MUST, false).verdict).toBe('ERROR');
  });

  it('ERROR for a failed hook, and for a connect failure of the test client', () => {
    expect(decideVerdict(run([{ kind: 'hook', text: 'hook (x.ts:3)', status: 'FAILED' }]), MUST, false)).toMatchObject({ verdict: 'ERROR', reason: 'hook (x.ts:3) failed' });
    const refused = step('FAILED', { exceptionType: 'ClientError', message: 'cannot connect to h:110: ECONNREFUSED' });
    expect(decideVerdict(run([refused]), MUST, false).verdict).toBe('ERROR');
    const timeout = step('FAILED', { exceptionType: 'ClientError', message: 'no answer within 10 ms' });
    expect(decideVerdict(run([timeout]), MUST, false).verdict).toBe('FAIL');
  });

  it('ERROR for an ERROR attachment, a malformed verdict attachment, or a scenario that never finished', () => {
    expect(decideVerdict(run([step('PASSED')], [{ verdict: 'ERROR', reason: 'x' }]), MUST, false).verdict).toBe('ERROR');
    expect(decideVerdict(run([step('PASSED')], [], { badVerdicts: ['not JSON'] }), MUST, false).verdict).toBe('ERROR');
    expect(decideVerdict(run([], [], { finished: false }), MUST, false).verdict).toBe('ERROR');
  });

  it('SKIP from the steps: NOT-ADVERTISED apart, SKIP with its reason, a bare skipped step too', () => {
    expect(decideVerdict(run([step('SKIPPED')], [{ verdict: 'NOT-ADVERTISED', reason: 'no TOP' }]), MUST, false)).toEqual({
      verdict: 'SKIP',
      skipKind: 'not-advertised',
      reason: 'no TOP',
    });
    expect(decideVerdict(run([step('SKIPPED')], [{ verdict: 'SKIP', reason: 'no fixtures' }]), MUST, false)).toMatchObject({ verdict: 'SKIP', skipKind: 'suite' });
    expect(decideVerdict(run([step('SKIPPED')]), MUST, false)).toMatchObject({ verdict: 'SKIP', skipKind: 'suite' });
  });

  it('UNADVERTISED-WORKS is a WARN unless something failed', () => {
    const works: VerdictAttachment = { verdict: 'UNADVERTISED-WORKS', reason: 'UIDL' };
    expect(decideVerdict(run([step('PASSED')], [works]), MUST, false).verdict).toBe('WARN');
    expect(decideVerdict(run([step('FAILED')], [works]), MUST, false).verdict).toBe('FAIL');
  });
});

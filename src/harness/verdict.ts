/**
 * From what happened in a scenario to its verdict. ERROR means the harness (or the network) is at
 * fault, never the server, so it wins over everything; then a failed step; then the steps' own
 * SKIP / NOT-ADVERTISED / UNADVERTISED-WORKS attachments; otherwise PASS.
 */
import type { Verdict } from './contract.js';
import type { ScenarioRun, StepOutcome } from './scenario-run.js';
import type { ScenarioTags } from './scenario-tags.js';

/** Why a scenario was skipped: by the runner's options, for lack of a capability, or by a step. */
export type SkipKind = 'option' | 'not-advertised' | 'suite';

export interface VerdictDecision {
  readonly verdict: Verdict;
  /** One line saying why (for SKIP, WARN, ERROR, and FAIL's failing step). */
  readonly reason?: string | undefined;
  readonly skipKind?: SkipKind | undefined;
  /** The assertion or error message, possibly several lines. */
  readonly message?: string | undefined;
}

const HARNESS_STATUSES: Record<string, string> = {
  UNDEFINED: 'undefined step',
  AMBIGUOUS: 'ambiguous step',
  PENDING: 'pending step',
  UNKNOWN: 'step with an unknown status',
};

export function decideVerdict(run: ScenarioRun, tags: ScenarioTags, strict: boolean): VerdictDecision {
  if (!run.finished) return { verdict: 'ERROR', reason: 'the scenario did not run to its end (the run was interrupted)' };
  const errors = run.verdicts.filter((v) => v.verdict === 'ERROR');
  if (errors.length > 0) return { verdict: 'ERROR', reason: errors.map((e) => e.reason).join('; ') };
  if (run.badVerdicts.length > 0) return { verdict: 'ERROR', reason: run.badVerdicts.join('; ') };

  for (const step of run.steps) {
    const harness = harnessProblem(step);
    if (harness) return harness;
  }
  const failed = run.steps.find((s) => s.status === 'FAILED');
  if (failed) {
    const reason = `failed at: ${failed.text}`;
    if (tags.level === 'MUST' || (tags.level === 'SHOULD' && strict)) return { verdict: 'FAIL', reason, message: failed.message };
    return { verdict: 'WARN', reason: `${tags.level} not met: ${failed.text}`, message: failed.message };
  }

  const notAdvertised = run.verdicts.find((v) => v.verdict === 'NOT-ADVERTISED');
  if (notAdvertised) return { verdict: 'SKIP', skipKind: 'not-advertised', reason: notAdvertised.reason };
  const skip = run.verdicts.find((v) => v.verdict === 'SKIP');
  if (skip) return { verdict: 'SKIP', skipKind: 'suite', reason: skip.reason };
  const skippedStep = run.steps.find((s) => s.status === 'SKIPPED');
  if (skippedStep) return { verdict: 'SKIP', skipKind: 'suite', reason: `skipped by a step without a reason: ${skippedStep.text}` };

  const unadvertised = run.verdicts.find((v) => v.verdict === 'UNADVERTISED-WORKS');
  if (unadvertised) return { verdict: 'WARN', reason: `works but is not advertised: ${unadvertised.reason}` };
  return { verdict: 'PASS' };
}

function harnessProblem(step: StepOutcome): VerdictDecision | undefined {
  const what = HARNESS_STATUSES[step.status];
  if (what) return { verdict: 'ERROR', reason: `${what}: ${step.text}`, message: step.message };
  if (step.status !== 'FAILED') return undefined;
  if (step.kind === 'hook') return { verdict: 'ERROR', reason: `${step.text} failed`, message: step.message };
  // The test client's connect failures are the network's fault, not a failed requirement.
  if (step.exceptionType === 'ClientError' && /^cannot connect/.test(step.message ?? '')) {
    return { verdict: 'ERROR', reason: `cannot connect: ${step.text}`, message: step.message };
  }
  return undefined;
}

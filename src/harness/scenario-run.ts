/** What cucumber's messages say about one scenario (one pickle): the raw material of a verdict. */
import type { VerdictAttachment } from './contract.js';

export interface StepOutcome {
  readonly kind: 'step' | 'hook';
  /** The step's text, or the hook's name and location. */
  readonly text: string;
  /** Cucumber's status: PASSED, FAILED, SKIPPED, PENDING, UNDEFINED, AMBIGUOUS, UNKNOWN. */
  readonly status: string;
  /** The assertion or error message, without the stack trace when cucumber gives it apart. */
  readonly message?: string | undefined;
  readonly exceptionType?: string | undefined;
}

export interface ScenarioRun {
  readonly pickleId: string;
  readonly uri: string;
  readonly name: string;
  readonly line: number;
  readonly featureName: string;
  readonly tags: readonly string[];
  /** Cucumber made a test case of it: the tag expression selected it. */
  planned: boolean;
  finished: boolean;
  steps: StepOutcome[];
  verdicts: VerdictAttachment[];
  /** VERDICT attachments that could not be read (a suite bug). */
  badVerdicts: string[];
  transcripts: string[];
  durationMs: number;
}

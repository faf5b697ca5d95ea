/**
 * The exit code of a run. Precedence: 3 (unreachable, harness errors) because then nothing else
 * can be trusted; 4 (a regression against the baseline); 1 (a MUST failed); 0.
 *
 * With a baseline, a FAIL (or ERROR) the baseline already records is a known failure and does not
 * count; a FAIL of a scenario the baseline does not know still exits 1; a waived scenario never
 * counts. A regression is a baseline PASS that is now FAIL, WARN, ERROR, or a SKIP decided by the
 * target (NOT-ADVERTISED, a step's SKIP) - not a SKIP caused by this run's options.
 */
import type { Baseline } from './baseline.js';
import { EXIT, type ExitCode } from './exit-codes.js';
import type { ScenarioResult } from './scenario-result.js';

export interface GateResult {
  readonly exitCode: ExitCode;
  /** One line per reason for a non-zero exit. */
  readonly reasons: readonly string[];
  readonly regressions: readonly string[];
  readonly knownFailures: readonly string[];
  readonly waived: readonly string[];
}

export interface GateInput {
  readonly scenarios: readonly ScenarioResult[];
  readonly harnessErrors: readonly string[];
  readonly unreachable?: string | undefined;
  readonly baseline?: Baseline | undefined;
}

export function decideExit(input: GateInput): GateResult {
  const regressions: string[] = [];
  const knownFailures: string[] = [];
  const waived: string[] = [];
  const errors: string[] = [];
  const mustFailures: string[] = [];
  for (const s of input.scenarios) {
    const before = input.baseline?.scenarios[s.id];
    if (before?.waiver !== undefined) {
      waived.push(s.id);
      continue;
    }
    const passesNow = s.verdict === 'PASS' || (s.verdict === 'SKIP' && s.skipKind === 'option');
    if (before?.verdict === 'PASS' && !passesNow) regressions.push(s.id);
    if (s.verdict !== 'FAIL' && s.verdict !== 'ERROR') continue;
    if (before !== undefined && before.verdict === s.verdict) knownFailures.push(s.id);
    else if (s.verdict === 'ERROR') errors.push(s.id);
    else if (before?.verdict !== 'PASS') mustFailures.push(s.id);
  }

  const reasons: string[] = [];
  if (input.unreachable !== undefined) reasons.push(`target unreachable: ${input.unreachable}`);
  for (const e of input.harnessErrors) reasons.push(`harness error: ${e}`);
  if (errors.length > 0) reasons.push(`${errors.length} scenario(s) ended in ERROR (a harness or network problem)`);
  if (regressions.length > 0) reasons.push(`${regressions.length} scenario(s) passed in the baseline and do not pass now`);
  if (mustFailures.length > 0) reasons.push(`${mustFailures.length} requirement scenario(s) failed`);

  const exitCode: ExitCode =
    input.unreachable !== undefined || input.harnessErrors.length > 0 || errors.length > 0
      ? EXIT.unreachable
      : regressions.length > 0
        ? EXIT.regression
        : mustFailures.length > 0
          ? EXIT.mustFailed
          : EXIT.ok;
  return { exitCode, reasons, regressions, knownFailures, waived };
}

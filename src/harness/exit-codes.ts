/** Exit codes of `popcheck conformance` (documented in --help and docs/conformance/README.md). */
export const EXIT = {
  /** Every MUST passed (and nothing regressed against the baseline, when one is given). */
  ok: 0,
  /** A MUST failed (or a SHOULD with --strict) outside the baseline's known failures. */
  mustFailed: 1,
  usage: 2,
  /** The target could not be reached, or the harness failed (any ERROR verdict). */
  unreachable: 3,
  /** A scenario that passed in the baseline does not pass now. */
  regression: 4,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** A mistake in the command line or its files: reported as one line, exit 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

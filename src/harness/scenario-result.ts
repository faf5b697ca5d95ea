/** One scenario's outcome in a conformance run: what every report format renders. */
import type { Verdict } from './contract.js';
import type { PlannedScenario } from './plan.js';
import type { SkipKind } from './verdict.js';

export interface ScenarioResult extends PlannedScenario {
  readonly verdict: Verdict;
  readonly reason?: string | undefined;
  readonly skipKind?: SkipKind | undefined;
  readonly message?: string | undefined;
  /** Rendered wire transcripts (TRANSCRIPT attachments), one per connection. */
  readonly transcripts: readonly string[];
  readonly durationMs: number;
}

/** Hand-made ScenarioResults for unit tests of the gate and the baseline. */
import type { Verdict } from '../contract.js';
import type { ScenarioResult } from '../scenario-result.js';
import { readTags } from '../scenario-tags.js';
import type { SkipKind } from '../verdict.js';

export function fakeResult(name: string, verdict: Verdict, skipKind?: SkipKind, tags: string[] = ['@rfc1939', '@MUST']): ScenarioResult {
  return {
    id: `features/x.feature :: ${name}`,
    uri: 'features/x.feature',
    line: 1,
    name,
    featureName: 'X',
    tags,
    parsed: readTags(tags),
    verdict,
    skipKind,
    transcripts: [],
    durationMs: 0,
  };
}

/**
 * Scenarios the runner skips from their tags alone, before anything connects: they need known
 * messages (@fixtures), delete messages (@destructive) or change the bundled server (@bundled),
 * and the options say the target cannot or must not be used that way.
 */
import { TAGS, type WorldParameters } from './contract.js';
import type { ScenarioTags } from './scenario-tags.js';

type SkipOptions = Pick<WorldParameters, 'fixtures' | 'destructive' | 'bundled'>;

export function optionSkipReason(tags: ScenarioTags, world: SkipOptions): string | undefined {
  const reasons: string[] = [];
  if (tags.fixtures && world.fixtures.kind === 'none') {
    reasons.push('needs known messages in the maildrop (run with --fixtures maildir:PATH)');
  }
  if (tags.destructive && !world.destructive) reasons.push('deletes messages (run with --destructive)');
  if (tags.bundled && !world.bundled) reasons.push('needs the bundled reference server (run without --host)');
  return reasons.length > 0 ? reasons.join('; ') : undefined;
}

/** The tag expression cucumber runs: the user's selection minus what the options skip. */
export function runnableTagExpression(userTags: string, world: SkipOptions): string {
  const excluded: string[] = [];
  if (world.fixtures.kind === 'none') excluded.push(TAGS.fixtures);
  if (!world.destructive) excluded.push(TAGS.destructive);
  if (!world.bundled) excluded.push(TAGS.bundled);
  const parts = userTags.trim() ? [`(${userTags.trim()})`] : [];
  for (const tag of excluded) parts.push(`not ${tag}`);
  return parts.join(' and ');
}

/**
 * Scenarios the runner skips from their tags alone, before anything connects: they need known
 * messages (@fixtures), delete messages (@destructive), change the bundled server (@bundled), talk
 * to the management plane (@manager) or stop the server (@manager-stop), and the options say the
 * target cannot or must not be used that way.
 */
import { TAGS, type WorldParameters } from './contract.js';
import type { ScenarioTags } from './scenario-tags.js';

export type SkipOptions = Pick<WorldParameters, 'fixtures' | 'destructive' | 'bundled'> &
  Partial<Pick<WorldParameters, 'managerHost' | 'managerPort' | 'managerToken' | 'managerAllowStop'>>;

/** The target has a manager the @manager scenarios can talk to. */
export function hasManager(world: SkipOptions): boolean {
  // Port 0 is the bundled server's placeholder before it starts (a free port is picked then).
  return Boolean(world.managerHost) && typeof world.managerPort === 'number' && Boolean(world.managerToken);
}

export function optionSkipReason(tags: ScenarioTags, world: SkipOptions): string | undefined {
  const reasons: string[] = [];
  if (tags.fixtures && world.fixtures.kind === 'none') {
    reasons.push('needs known messages in the maildrop (run with --fixtures maildir:PATH)');
  }
  if (tags.destructive && !world.destructive) reasons.push('deletes messages (run with --destructive)');
  if (tags.bundled && !world.bundled) reasons.push('needs the bundled reference server (run without --host)');
  if (tags.manager && !hasManager(world)) reasons.push("needs the target's manager (run with --manager-host and --manager-token-file)");
  else if (tags.managerStop && !world.managerAllowStop) reasons.push('stops the server under test (run with --manager-allow-stop)');
  return reasons.length > 0 ? reasons.join('; ') : undefined;
}

/** The tag expression cucumber runs: the user's selection minus what the options skip. */
export function runnableTagExpression(userTags: string, world: SkipOptions): string {
  const excluded: string[] = [];
  if (world.fixtures.kind === 'none') excluded.push(TAGS.fixtures);
  if (!world.destructive) excluded.push(TAGS.destructive);
  if (!world.bundled) excluded.push(TAGS.bundled);
  if (!hasManager(world)) excluded.push(TAGS.manager);
  else if (!world.managerAllowStop) excluded.push(TAGS.managerStop);
  const parts = userTags.trim() ? [`(${userTags.trim()})`] : [];
  for (const tag of excluded) parts.push(`not ${tag}`);
  return parts.join(' and ');
}

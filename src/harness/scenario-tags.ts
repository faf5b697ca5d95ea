/** Reads a scenario's tags by the conventions of contract.ts (TAGS) and docs/requirements.md. */
import { TAGS } from './contract.js';

export type Level = 'MUST' | 'SHOULD' | 'MAY';

export interface ScenarioTags {
  /** RFC numbers as written in the tags, e.g. "1939". */
  readonly rfcs: readonly string[];
  readonly sections: readonly string[];
  /**
   * The RFC 2119 level. A scenario without a level tag is treated as MUST, so a forgotten tag can
   * never turn a failure into a warning.
   */
  readonly level: Level;
  readonly levelTagged: boolean;
  /** Requirement IDs without the "@req-" prefix. */
  readonly requirements: readonly string[];
  readonly capabilities: readonly string[];
  readonly fixtures: boolean;
  readonly destructive: boolean;
  readonly bundled: boolean;
}

const LEVEL_ORDER: readonly Level[] = ['MUST', 'SHOULD', 'MAY'];

export function readTags(tags: readonly string[]): ScenarioTags {
  const pick = (re: RegExp): string[] => unique(tags.map((t) => re.exec(t)?.[1]).filter((x): x is string => x !== undefined));
  const levels = pick(TAGS.level) as Level[];
  // Several level tags (a feature says MUST, a scenario says SHOULD): the strictest one wins.
  const level = LEVEL_ORDER.find((l) => levels.includes(l));
  return {
    rfcs: pick(TAGS.rfc),
    sections: pick(TAGS.section),
    level: level ?? 'MUST',
    levelTagged: level !== undefined,
    requirements: pick(TAGS.requirement),
    capabilities: pick(TAGS.capability),
    fixtures: tags.includes(TAGS.fixtures),
    destructive: tags.includes(TAGS.destructive),
    bundled: tags.includes(TAGS.bundled),
  };
}

/** The RFC a scenario is counted under in summaries: its first @rfc tag. */
export function primaryRfc(tags: ScenarioTags): string {
  return tags.rfcs[0] !== undefined ? `RFC ${tags.rfcs[0]}` : 'no RFC tag';
}

function unique<T>(xs: readonly T[]): T[] {
  return [...new Set(xs)];
}

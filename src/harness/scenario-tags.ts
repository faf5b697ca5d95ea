/** Reads a scenario's tags by the conventions of contract.ts (TAGS) and docs/requirements.md. */
import { MANAGER_SPEC, TAGS } from './contract.js';

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
  /** @manager: a scenario of the management protocol (features/manager/). */
  readonly manager: boolean;
  /** @manager-exclusive: runs alone, after the scenarios that share the server. */
  readonly managerExclusive: boolean;
  /** @manager-stop: stops the server, so runs last. */
  readonly managerStop: boolean;
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
    manager: tags.includes(TAGS.manager),
    managerExclusive: tags.includes(TAGS.managerExclusive),
    managerStop: tags.includes(TAGS.managerStop),
  };
}

export const NO_RFC = 'no RFC tag';

/**
 * The specification a scenario is counted under in summaries: popcheck-manager/1 for @manager
 * scenarios, else its first @rfc tag.
 */
export function primaryRfc(tags: ScenarioTags): string {
  if (tags.manager) return MANAGER_SPEC;
  return tags.rfcs[0] !== undefined ? `RFC ${tags.rfcs[0]}` : NO_RFC;
}

/**
 * The order of the per-RFC table: the base protocol and its extensions first (RFC 1939, 2449), then
 * the security ones in the order the suite covers them (STLS, AUTH, response codes, implicit TLS,
 * SASL mechanisms), then any other RFC by number, then the manager's specification, then untagged.
 */
const RFC_ORDER: readonly string[] = ['1939', '2449', '2595', '5034', '3206', '8314', '4616', '2195', '7677'];

/** Sorts summary headings (primaryRfc values) in the report's order. */
export function compareSpecs(a: string, b: string): number {
  return specRank(a)[0] - specRank(b)[0] || specRank(a)[1] - specRank(b)[1] || a.localeCompare(b);
}

function specRank(spec: string): [number, number] {
  const rfc = /^RFC (\d+)$/.exec(spec)?.[1];
  if (rfc !== undefined) {
    const known = RFC_ORDER.indexOf(rfc);
    return known !== -1 ? [0, known] : [1, Number(rfc)];
  }
  if (spec === MANAGER_SPEC) return [2, 0];
  if (spec === NO_RFC) return [4, 0];
  return [3, 0];
}

function unique<T>(xs: readonly T[]): T[] {
  return [...new Set(xs)];
}

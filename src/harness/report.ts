/**
 * The conformance report, version 1: the one model every output format renders, and the JSON
 * format itself (its schema is docs/conformance-report-schema.json). Add fields freely; rename or
 * remove one only with a new schemaVersion.
 */
import type { TlsMode, Verdict, WorldParameters } from './contract.js';
import type { GateResult } from './gate.js';
import type { ScenarioResult } from './scenario-result.js';
import { compareSpecs, primaryRfc, type Level } from './scenario-tags.js';
import type { SkipKind } from './verdict.js';

export const REPORT_SCHEMA_VERSION = 1;

/** SKIP counts runner and step skips; notAdvertised counts the NOT-ADVERTISED ones apart. */
export interface VerdictCounts {
  PASS: number;
  FAIL: number;
  WARN: number;
  SKIP: number;
  notAdvertised: number;
  ERROR: number;
}

export interface SummaryRow extends VerdictCounts {
  readonly rfc: string;
  readonly level: Level;
}

export interface ReportScenario {
  readonly id: string;
  readonly name: string;
  readonly feature: string;
  readonly uri: string;
  readonly line: number;
  readonly tags: readonly string[];
  readonly rfc: string;
  readonly sections: readonly string[];
  readonly level: Level;
  readonly requirements: readonly string[];
  readonly capabilities: readonly string[];
  readonly verdict: Verdict;
  readonly skipKind?: SkipKind;
  readonly reason?: string;
  readonly message?: string;
  readonly transcripts: readonly string[];
  readonly durationMs: number;
}

export interface ConformanceReport {
  readonly schemaVersion: typeof REPORT_SCHEMA_VERSION;
  readonly tool: { readonly name: 'popcheck'; readonly version: string };
  readonly target: {
    readonly host: string;
    readonly port: number;
    readonly tls: TlsMode;
    readonly bundled: boolean;
    readonly fixtures: 'maildir' | 'none';
    readonly destructive: boolean;
  };
  readonly options: { readonly tags: string; readonly strict: boolean; readonly parallel: number; readonly timeoutMs: number };
  readonly startedAt: string;
  readonly finishedAt: string;
  readonly durationMs: number;
  readonly exitCode: number;
  readonly reasons: readonly string[];
  readonly totals: VerdictCounts & { readonly scenarios: number };
  readonly summary: readonly SummaryRow[];
  readonly harnessErrors: readonly string[];
  readonly baseline?: {
    readonly file: string;
    readonly regressions: readonly string[];
    readonly knownFailures: readonly string[];
    readonly waived: readonly string[];
  };
  readonly scenarios: readonly ReportScenario[];
}

export interface ReportInput {
  readonly version: string;
  readonly world: WorldParameters;
  readonly tags: string;
  readonly strict: boolean;
  readonly parallel: number;
  readonly startedAt: Date;
  readonly finishedAt: Date;
  readonly scenarios: readonly ScenarioResult[];
  readonly harnessErrors: readonly string[];
  readonly gate: GateResult;
  readonly baselineFile?: string | undefined;
}

export function buildReport(input: ReportInput): ConformanceReport {
  const scenarios = input.scenarios.map(toReportScenario);
  const w = input.world;
  return {
    schemaVersion: REPORT_SCHEMA_VERSION,
    tool: { name: 'popcheck', version: input.version },
    target: { host: w.host, port: w.port, tls: w.tls, bundled: w.bundled, fixtures: w.fixtures.kind, destructive: w.destructive },
    options: { tags: input.tags, strict: input.strict, parallel: input.parallel, timeoutMs: w.timeoutMs },
    startedAt: input.startedAt.toISOString(),
    finishedAt: input.finishedAt.toISOString(),
    durationMs: input.finishedAt.getTime() - input.startedAt.getTime(),
    exitCode: input.gate.exitCode,
    reasons: input.gate.reasons,
    totals: { ...countVerdicts(scenarios), scenarios: scenarios.length },
    summary: summarise(scenarios),
    harnessErrors: input.harnessErrors,
    ...(input.baselineFile !== undefined
      ? {
          baseline: {
            file: input.baselineFile,
            regressions: input.gate.regressions,
            knownFailures: input.gate.knownFailures,
            waived: input.gate.waived,
          },
        }
      : {}),
    scenarios,
  };
}

function toReportScenario(s: ScenarioResult): ReportScenario {
  return {
    id: s.id,
    name: s.name,
    feature: s.featureName,
    uri: s.uri,
    line: s.line,
    tags: s.tags,
    rfc: primaryRfc(s.parsed),
    sections: s.parsed.sections,
    level: s.parsed.level,
    requirements: s.parsed.requirements,
    capabilities: s.parsed.capabilities,
    verdict: s.verdict,
    ...(s.skipKind !== undefined ? { skipKind: s.skipKind } : {}),
    ...(s.reason !== undefined ? { reason: s.reason } : {}),
    ...(s.message !== undefined ? { message: s.message } : {}),
    transcripts: s.transcripts,
    durationMs: s.durationMs,
  };
}

export function emptyCounts(): VerdictCounts {
  return { PASS: 0, FAIL: 0, WARN: 0, SKIP: 0, notAdvertised: 0, ERROR: 0 };
}

export function countVerdicts(scenarios: readonly Pick<ReportScenario, 'verdict' | 'skipKind'>[]): VerdictCounts {
  const c = emptyCounts();
  for (const s of scenarios) {
    if (s.verdict === 'SKIP' && s.skipKind === 'not-advertised') c.notAdvertised++;
    else c[s.verdict]++;
  }
  return c;
}

const LEVELS: readonly Level[] = ['MUST', 'SHOULD', 'MAY'];

/** One row per RFC (or specification) and level, in the order of compareSpecs. */
function summarise(scenarios: readonly ReportScenario[]): SummaryRow[] {
  const groups = new Map<string, ReportScenario[]>();
  for (const s of scenarios) {
    const key = `${s.rfc}\u0000${s.level}`;
    groups.set(key, [...(groups.get(key) ?? []), s]);
  }
  return [...groups.entries()]
    .map(([key, list]) => {
      const [rfc = '', level = 'MUST'] = key.split('\u0000');
      return { rfc, level: level as Level, ...countVerdicts(list) };
    })
    .sort((a, b) => compareSpecs(a.rfc, b.rfc) || LEVELS.indexOf(a.level) - LEVELS.indexOf(b.level));
}

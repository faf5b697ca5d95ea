/**
 * The compatibility matrix as data: one row per catalog requirement, one cell per server, each
 * cell the verdict of the scenarios that cover the requirement on that server.
 */
import type { ConformanceReport, ReportScenario } from '../../src/harness/report.js';

export interface Requirement {
  readonly id: string;
  readonly rfc: string; // "1939"
  readonly section: string;
  readonly level: string;
  readonly text: string;
  /** Set when the catalog says a server cannot be tested for it (a rule for clients, ...). */
  readonly untestable?: string | undefined;
}

export interface ServerRun {
  readonly name: string;
  /** key=value lines run.sh wrote (version, port, fixtures, exit); empty when the server never ran. */
  readonly meta: Readonly<Record<string, string>>;
  readonly report: ConformanceReport | undefined;
}

export type CellVerdict = 'PASS' | 'FAIL' | 'WARN' | 'ERROR' | 'SKIP' | 'not advertised' | 'not covered' | 'not run' | 'n/a';

export interface Cell {
  readonly verdict: CellVerdict;
  /** The scenarios that decided the verdict (the failing ones for FAIL, ...). */
  readonly deciding: readonly ReportScenario[];
  /** Skip reasons, for SKIP and "not advertised". */
  readonly reasons: readonly string[];
}

/**
 * Worst first: one failing scenario makes the requirement FAIL however many others pass; an
 * ERROR (the harness could not tell) outranks WARN and PASS; a requirement is PASS when some
 * scenario passed and none did worse; SKIP only when nothing ran.
 */
const ORDER: ReadonlyArray<{ verdict: CellVerdict; matches: (s: ReportScenario) => boolean }> = [
  { verdict: 'FAIL', matches: (s) => s.verdict === 'FAIL' },
  { verdict: 'ERROR', matches: (s) => s.verdict === 'ERROR' },
  { verdict: 'WARN', matches: (s) => s.verdict === 'WARN' },
  { verdict: 'PASS', matches: (s) => s.verdict === 'PASS' },
  { verdict: 'not advertised', matches: (s) => s.verdict === 'SKIP' && s.skipKind === 'not-advertised' },
  { verdict: 'SKIP', matches: (s) => s.verdict === 'SKIP' },
];

export function cellFor(requirement: Requirement, run: ServerRun): Cell {
  if (!run.report) return { verdict: 'not run', deciding: [], reasons: [] };
  const requirementId = requirement.id;
  const covering = run.report.scenarios.filter((s) => s.requirements.includes(requirementId));
  if (covering.length === 0) {
    return { verdict: requirement.untestable ? 'n/a' : 'not covered', deciding: [], reasons: [] };
  }
  for (const { verdict, matches } of ORDER) {
    const deciding = covering.filter(matches);
    if (deciding.length > 0) {
      const reasons = [...new Set(deciding.map((s) => s.reason ?? '').filter(Boolean))];
      return { verdict, deciding, reasons };
    }
  }
  throw new Error(`scenario verdicts of ${requirementId} are not known: ${covering.map((s) => s.verdict).join(', ')}`);
}

export interface Matrix {
  readonly requirements: readonly Requirement[];
  readonly servers: readonly ServerRun[];
  /** cells[i][j]: requirement i on server j. */
  readonly cells: ReadonlyArray<readonly Cell[]>;
}

export function buildMatrix(requirements: readonly Requirement[], servers: readonly ServerRun[]): Matrix {
  return { requirements, servers, cells: requirements.map((r) => servers.map((s) => cellFor(r, s))) };
}

/** Requirement IDs that scenarios name but the catalog does not list (a suite/catalog mismatch). */
export function uncataloguedIds(requirements: readonly Requirement[], servers: readonly ServerRun[]): string[] {
  const known = new Set(requirements.map((r) => r.id));
  const named = servers.flatMap((s) => s.report?.scenarios.flatMap((sc) => sc.requirements) ?? []);
  return [...new Set(named.filter((id) => !known.has(id)))].sort();
}

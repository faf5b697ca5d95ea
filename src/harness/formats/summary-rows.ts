/** The per-RFC-and-level table every human-readable format shows, as rows of cells. */
import type { ConformanceReport, VerdictCounts } from '../report.js';

export const SUMMARY_HEADER = ['RFC', 'Level', 'PASS', 'FAIL', 'WARN', 'SKIP', 'NOT-ADV', 'ERROR'] as const;

export function summaryRows(report: ConformanceReport): Array<Array<string | number>> {
  const counts = (c: VerdictCounts): number[] => [c.PASS, c.FAIL, c.WARN, c.SKIP, c.notAdvertised, c.ERROR];
  return [...report.summary.map((r) => [r.rfc, r.level, ...counts(r)]), ['Total', '', ...counts(report.totals)]];
}

/** Scenarios needing attention, worst first: ERROR and FAIL (with details), then WARN. */
export function problemScenarios(report: ConformanceReport): {
  failures: ConformanceReport['scenarios'];
  warnings: ConformanceReport['scenarios'];
} {
  return {
    failures: report.scenarios.filter((s) => s.verdict === 'FAIL' || s.verdict === 'ERROR'),
    warnings: report.scenarios.filter((s) => s.verdict === 'WARN'),
  };
}

/** SKIP reasons with how many scenarios each covers, most frequent first. */
export function skipReasons(report: ConformanceReport): Array<{ reason: string; count: number; notAdvertised: boolean }> {
  const by = new Map<string, { reason: string; count: number; notAdvertised: boolean }>();
  for (const s of report.scenarios) {
    if (s.verdict !== 'SKIP') continue;
    const reason = s.reason ?? 'no reason given';
    const entry = by.get(reason) ?? { reason, count: 0, notAdvertised: s.skipKind === 'not-advertised' };
    entry.count++;
    by.set(reason, entry);
  }
  return [...by.values()].sort((a, b) => b.count - a.count || a.reason.localeCompare(b.reason));
}

export function targetLine(report: ConformanceReport): string {
  const t = report.target;
  const what = t.bundled ? 'the bundled reference server' : `${t.host}:${t.port}`;
  return `${what} (tls ${t.tls}, fixtures ${t.fixtures}, ${t.destructive ? 'destructive' : 'non-destructive'})`;
}

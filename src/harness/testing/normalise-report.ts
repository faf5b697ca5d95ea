/** Makes a report repeatable for golden files: no clock, no port, no version. */
import type { ConformanceReport } from '../report.js';

export function normaliseReport(report: ConformanceReport): ConformanceReport {
  return {
    ...report,
    tool: { ...report.tool, version: '0.0.0-test' },
    target: { ...report.target, port: 11000 },
    startedAt: '2000-01-01T00:00:00.000Z',
    finishedAt: '2000-01-01T00:00:01.000Z',
    durationMs: 1000,
    scenarios: report.scenarios.map((s) => ({ ...s, durationMs: 0 })),
  };
}

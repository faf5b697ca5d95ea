/** The JSON report: the report model itself (schema: docs/conformance-report-schema.json). */
import type { ConformanceReport } from '../report.js';

export function renderJson(report: ConformanceReport): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}

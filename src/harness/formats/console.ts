/** The console report: the table per RFC and level, then every failure with its evidence. */
import type { ConformanceReport, ReportScenario } from '../report.js';
import { problemScenarios, skipReasons, SUMMARY_HEADER, summaryRows, targetLine } from './summary-rows.js';
import { textTable } from './text-table.js';

export function renderConsole(report: ConformanceReport): string {
  const out: string[] = [];
  out.push(`popcheck conformance against ${targetLine(report)}`);
  out.push(`${report.totals.scenarios} scenarios in ${(report.durationMs / 1000).toFixed(1)} s`, '');
  out.push(textTable(SUMMARY_HEADER, summaryRows(report)), '');

  const { failures: all, warnings } = problemScenarios(report);
  // A failure the baseline already accepts is news to nobody: one line each, so that a CI log
  // shows the regressions in full and stays short; the file formats keep every transcript.
  const accepted = new Set([...(report.baseline?.waived ?? []), ...(report.baseline?.knownFailures ?? [])]);
  const failures = all.filter((s) => !accepted.has(s.id));
  const known = all.filter((s) => accepted.has(s.id));
  if (failures.length > 0) {
    out.push(`Failures (${failures.length})`, '');
    failures.forEach((s, i) => out.push(...failureBlock(s, i + 1), ''));
  }
  if (known.length > 0) {
    out.push(`Failures the baseline accepts (${known.length}; transcripts in the json, junit, markdown and html reports)`);
    for (const s of known) out.push(`  ${s.verdict}  ${s.name}  (${s.uri}:${s.line}) ${s.requirements.join(', ')}`.trimEnd());
    out.push('');
  }
  if (warnings.length > 0) {
    out.push(`Warnings (${warnings.length})`);
    for (const s of warnings) out.push(`  WARN  ${s.name}  (${s.uri}:${s.line}) ${s.reason ?? ''}`.trimEnd());
    out.push('');
  }
  const skips = skipReasons(report);
  if (skips.length > 0) {
    out.push('Skipped');
    for (const s of skips) out.push(`  ${String(s.count).padStart(3)}  ${s.notAdvertised ? 'not advertised: ' : ''}${s.reason}`);
    out.push('');
  }
  for (const e of report.harnessErrors) out.push(`harness error: ${e}`);
  if (report.baseline) {
    const b = report.baseline;
    out.push(`baseline ${b.file}: ${b.regressions.length} regression(s), ${b.knownFailures.length} known failure(s), ${b.waived.length} waived`);
    for (const id of b.regressions) out.push(`  regression: ${id}`);
  }
  out.push(cucumberTotals(report));
  out.push(report.exitCode === 0 ? 'Result: conformant (exit 0)' : `Result: exit ${report.exitCode}`);
  for (const r of report.reasons) out.push(`  ${r}`);
  return `${out.join('\n')}\n`;
}

function failureBlock(s: ReportScenario, n: number): string[] {
  const lines = [`${n}. ${s.verdict}  ${s.name}`, `   at ${s.uri}:${s.line}  (${[s.rfc, ...s.sections.map((x) => `§${x}`), s.level].join(' ')})`];
  lines.push(`   requirements: ${s.requirements.length > 0 ? s.requirements.join(', ') : '(no @req- tag)'}`);
  if (s.reason) lines.push(`   ${s.reason}`);
  if (s.message) lines.push(...indent(s.message, '   | '));
  s.transcripts.forEach((t, i) => {
    lines.push(`   transcript${s.transcripts.length > 1 ? ` ${i + 1}` : ''}:`);
    lines.push(...indent(t, '     '));
  });
  return lines;
}

function indent(text: string, prefix: string): string[] {
  return text.replace(/\s+$/, '').split('\n').map((l) => `${prefix}${l}`);
}

/** The totals in the words of Cucumber's own summary line, which CI log readers recognise. */
function cucumberTotals(report: ConformanceReport): string {
  const t = report.totals;
  const parts: Array<[number, string]> = [
    [t.FAIL + t.ERROR, 'failed'],
    [t.SKIP + t.notAdvertised, 'skipped'],
    [t.PASS + t.WARN, 'passed'],
  ];
  const said = parts.filter(([n]) => n > 0).map(([n, w]) => `${n} ${w}`);
  return `${t.scenarios} scenarios (${said.length > 0 ? said.join(', ') : 'none run'})`;
}

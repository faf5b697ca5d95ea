/** A Markdown report, e.g. for a pull-request comment or a job summary. */
import type { ConformanceReport, ReportScenario } from '../report.js';
import { problemScenarios, skipReasons, SUMMARY_HEADER, summaryRows, targetLine } from './summary-rows.js';

export function renderMarkdown(report: ConformanceReport): string {
  const out: string[] = ['# POP3 conformance report', ''];
  out.push(`- Target: ${inline(targetLine(report))}`);
  out.push(`- popcheck ${report.tool.version}, started ${report.startedAt}, ${(report.durationMs / 1000).toFixed(1)} s`);
  out.push(`- Result: **exit ${report.exitCode}**${report.reasons.length > 0 ? ` (${report.reasons.map(inline).join('; ')})` : ' (conformant)'}`, '');
  out.push('## Summary', '', ...table(SUMMARY_HEADER, summaryRows(report)), '');

  const { failures, warnings } = problemScenarios(report);
  if (failures.length > 0) {
    out.push(`## Failures (${failures.length})`, '');
    for (const s of failures) out.push(...failure(s));
  }
  if (warnings.length > 0) {
    out.push(`## Warnings (${warnings.length})`, '');
    for (const s of warnings) out.push(`- **${inline(s.name)}** (\`${s.uri}:${s.line}\`): ${inline(s.reason ?? '')}`);
    out.push('');
  }
  const skips = skipReasons(report);
  if (skips.length > 0) {
    out.push('## Skipped', '');
    for (const s of skips) out.push(`- ${s.count} × ${s.notAdvertised ? 'not advertised: ' : ''}${inline(s.reason)}`);
    out.push('');
  }
  if (report.harnessErrors.length > 0) {
    out.push('## Harness errors', '', ...report.harnessErrors.map((e) => `- ${inline(e)}`), '');
  }
  out.push('## All scenarios', '');
  out.push(
    ...table(
      ['Verdict', 'Scenario', 'Location', 'Requirements', 'Reason'],
      report.scenarios.map((s) => [s.verdict, s.name, `${s.uri}:${s.line}`, s.requirements.join(', '), s.reason ?? '']),
    ),
  );
  return `${out.join('\n')}\n`;
}

function failure(s: ReportScenario): string[] {
  const out = [`### ${s.verdict}: ${inline(s.name)}`, ''];
  out.push(`- Location: \`${s.uri}:${s.line}\``);
  out.push(`- ${[s.rfc, ...s.sections.map((x) => `§${x}`)].join(' ')}, ${s.level}`);
  out.push(`- Requirements: ${s.requirements.length > 0 ? s.requirements.map((r) => `\`${r}\``).join(', ') : '(none tagged)'}`);
  if (s.reason) out.push(`- ${inline(s.reason)}`);
  out.push('');
  if (s.message) out.push(...fenced(s.message), '');
  s.transcripts.forEach((t, i) => {
    out.push(`<details><summary>Transcript${s.transcripts.length > 1 ? ` ${i + 1}` : ''}</summary>`, '', ...fenced(t), '', '</details>', '');
  });
  return out;
}

function table(header: readonly string[], rows: ReadonlyArray<ReadonlyArray<string | number>>): string[] {
  const row = (r: ReadonlyArray<string | number>): string => `| ${r.map((c) => cell(String(c))).join(' | ')} |`;
  const align = header.map((_, i) => (rows.length > 0 && rows.every((r) => typeof r[i] === 'number') ? '---:' : '---'));
  return [row(header), `| ${align.join(' | ')} |`, ...rows.map(row)];
}

/** A fence longer than any backtick run inside, so no content can close it early. */
function fenced(text: string): string[] {
  const longest = Math.max(2, ...[...text.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = '`'.repeat(longest + 1);
  return [`${fence}text`, text.replace(/\s+$/, ''), fence];
}

function cell(s: string): string {
  return inline(s).replace(/\|/g, '\\|');
}

/** One line of Markdown text: newlines flattened, HTML and emphasis characters neutralised. */
function inline(s: string): string {
  return s.replace(/\s*\n\s*/g, ' ').replace(/[<>&]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;' })[c]!).replace(/([\\`*_[\]])/g, '\\$1');
}

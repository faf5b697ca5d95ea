/**
 * One self-contained HTML file: inline CSS, no script, no external resource, so it can be archived
 * as a CI artifact and opened anywhere. <details> folds transcripts and the full scenario list.
 */
import type { ConformanceReport, ReportScenario } from '../report.js';
import { problemScenarios, skipReasons, SUMMARY_HEADER, summaryRows, targetLine } from './summary-rows.js';

const STYLE = `
body{font:14px/1.45 system-ui,sans-serif;margin:2em auto;max-width:72em;padding:0 1em;color:#1d1d1f}
h1{font-size:1.6em}h2{margin-top:2em;border-bottom:1px solid #ddd}
table{border-collapse:collapse;margin:.5em 0}th,td{border:1px solid #ddd;padding:.25em .6em;text-align:left;vertical-align:top}
td.n{text-align:right;font-variant-numeric:tabular-nums}
pre{background:#f6f6f6;padding:.6em;overflow-x:auto;white-space:pre-wrap;word-break:break-all}
.v{font-weight:600;padding:0 .4em;border-radius:3px;color:#fff}
.PASS{background:#2e7d32}.FAIL{background:#c62828}.WARN{background:#b26a00}.SKIP{background:#757575}.ERROR{background:#6a1b9a}
.card{border:1px solid #ddd;border-radius:6px;padding:.5em 1em;margin:1em 0}
`.trim();

export function renderHtml(report: ConformanceReport): string {
  const { failures, warnings } = problemScenarios(report);
  const body: string[] = [];
  body.push('<h1>POP3 conformance report</h1>');
  body.push(
    '<ul>',
    `<li>Target: ${esc(targetLine(report))}</li>`,
    `<li>popcheck ${esc(report.tool.version)}, started ${esc(report.startedAt)}, ${(report.durationMs / 1000).toFixed(1)} s</li>`,
    `<li>Result: <strong>exit ${report.exitCode}</strong>${report.reasons.length > 0 ? ` &mdash; ${report.reasons.map(esc).join('; ')}` : ' (conformant)'}</li>`,
    '</ul>',
  );
  body.push('<h2>Summary</h2>', table(SUMMARY_HEADER, summaryRows(report)));
  if (failures.length > 0) body.push(`<h2>Failures (${failures.length})</h2>`, ...failures.map(failureCard));
  if (warnings.length > 0) {
    body.push(`<h2>Warnings (${warnings.length})</h2>`, '<ul>');
    for (const s of warnings) body.push(`<li><strong>${esc(s.name)}</strong> (<code>${esc(`${s.uri}:${s.line}`)}</code>): ${esc(s.reason ?? '')}</li>`);
    body.push('</ul>');
  }
  const skips = skipReasons(report);
  if (skips.length > 0) {
    body.push('<h2>Skipped</h2>', '<ul>');
    for (const s of skips) body.push(`<li>${s.count} &times; ${s.notAdvertised ? 'not advertised: ' : ''}${esc(s.reason)}</li>`);
    body.push('</ul>');
  }
  if (report.harnessErrors.length > 0) body.push('<h2>Harness errors</h2>', '<ul>', ...report.harnessErrors.map((e) => `<li>${esc(e)}</li>`), '</ul>');
  body.push(
    `<h2>All scenarios (${report.scenarios.length})</h2>`,
    '<table><thead><tr><th>Verdict</th><th>Scenario</th><th>Location</th><th>Requirements</th><th>Reason</th></tr></thead><tbody>',
    ...report.scenarios.map(
      (s) =>
        `<tr><td>${badge(s)}</td><td>${esc(s.name)}</td><td><code>${esc(`${s.uri}:${s.line}`)}</code></td><td>${esc(s.requirements.join(', '))}</td><td>${esc(s.reason ?? '')}</td></tr>`,
    ),
    '</tbody></table>',
  );
  return [
    '<!DOCTYPE html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    `<title>POP3 conformance: ${esc(targetLine(report))}</title>`,
    `<style>${STYLE}</style>`,
    '</head>',
    '<body>',
    ...body,
    '</body>',
    '</html>',
    '',
  ].join('\n');
}

function failureCard(s: ReportScenario): string {
  const parts = [
    '<div class="card">',
    `<h3>${badge(s)} ${esc(s.name)}</h3>`,
    `<p><code>${esc(`${s.uri}:${s.line}`)}</code> &mdash; ${esc([s.rfc, ...s.sections.map((x) => `§${x}`), s.level].join(' '))}<br>`,
    `Requirements: ${s.requirements.length > 0 ? s.requirements.map((r) => `<code>${esc(r)}</code>`).join(', ') : '(none tagged)'}</p>`,
  ];
  if (s.reason) parts.push(`<p>${esc(s.reason)}</p>`);
  if (s.message) parts.push(`<pre>${esc(s.message)}</pre>`);
  s.transcripts.forEach((t, i) => {
    parts.push(`<details><summary>Transcript${s.transcripts.length > 1 ? ` ${i + 1}` : ''}</summary><pre>${esc(t)}</pre></details>`);
  });
  parts.push('</div>');
  return parts.join('\n');
}

function badge(s: ReportScenario): string {
  const label = s.verdict === 'SKIP' && s.skipKind === 'not-advertised' ? 'NOT-ADV' : s.verdict;
  return `<span class="v ${s.verdict}">${label}</span>`;
}

function table(header: readonly string[], rows: ReadonlyArray<ReadonlyArray<string | number>>): string {
  const head = `<thead><tr>${header.map((h) => `<th>${esc(h)}</th>`).join('')}</tr></thead>`;
  const cells = rows.map((r) => `<tr>${r.map((c) => (typeof c === 'number' ? `<td class="n">${c}</td>` : `<td>${esc(c)}</td>`)).join('')}</tr>`);
  return `<table>${head}<tbody>\n${cells.join('\n')}\n</tbody></table>`;
}

function esc(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

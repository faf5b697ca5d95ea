/**
 * JUnit XML for CI dashboards: one testsuite per feature file. FAIL is a <failure>, ERROR an
 * <error>, SKIP a <skipped>; WARN passes (CI should not go red on a SHOULD) but says so in a
 * property and in <system-out>. Transcripts go to <system-out>.
 */
import type { ConformanceReport, ReportScenario } from '../report.js';

export function renderJunit(report: ConformanceReport): string {
  const byFile = new Map<string, ReportScenario[]>();
  for (const s of report.scenarios) byFile.set(s.uri, [...(byFile.get(s.uri) ?? []), s]);
  const t = report.totals;
  const out = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="popcheck conformance" tests="${t.scenarios}" failures="${t.FAIL}" errors="${t.ERROR}" skipped="${t.SKIP + t.notAdvertised}" time="${seconds(report.durationMs)}" timestamp="${attr(report.startedAt)}">`,
  ];
  for (const [uri, list] of byFile) {
    const count = (v: string): number => list.filter((s) => s.verdict === v).length;
    out.push(
      `  <testsuite name="${attr(list[0]!.feature)}" file="${attr(uri)}" tests="${list.length}" failures="${count('FAIL')}" errors="${count('ERROR')}" skipped="${count('SKIP')}" time="${seconds(list.reduce((a, s) => a + s.durationMs, 0))}">`,
    );
    for (const s of list) out.push(...testcase(s));
    out.push('  </testsuite>');
  }
  out.push('</testsuites>');
  return `${out.join('\n')}\n`;
}

function testcase(s: ReportScenario): string[] {
  const out = [`    <testcase name="${attr(s.name)}" classname="${attr(s.uri)}" file="${attr(s.uri)}" line="${s.line}" time="${seconds(s.durationMs)}">`];
  out.push('      <properties>');
  out.push(`        <property name="verdict" value="${s.verdict}"/>`);
  out.push(`        <property name="level" value="${s.level}"/>`);
  out.push(`        <property name="rfc" value="${attr(s.rfc)}"/>`);
  for (const r of s.requirements) out.push(`        <property name="requirement" value="${attr(r)}"/>`);
  out.push('      </properties>');
  const detail = [s.reason, s.message].filter(Boolean).join('\n');
  if (s.verdict === 'FAIL') out.push(`      <failure message="${attr(s.reason ?? 'failed')}" type="${s.level}">${text(detail)}</failure>`);
  if (s.verdict === 'ERROR') out.push(`      <error message="${attr(s.reason ?? 'harness error')}" type="ERROR">${text(detail)}</error>`);
  if (s.verdict === 'SKIP') out.push(`      <skipped message="${attr(`${s.skipKind === 'not-advertised' ? 'not advertised: ' : ''}${s.reason ?? ''}`)}"/>`);
  const systemOut = [...(s.verdict === 'WARN' ? [`WARN: ${detail}`] : []), ...s.transcripts];
  if (systemOut.length > 0) out.push(`      <system-out>${text(systemOut.join('\n\n'))}</system-out>`);
  out.push('    </testcase>');
  return out;
}

function seconds(ms: number): string {
  return (ms / 1000).toFixed(3);
}

/** Characters XML 1.0 cannot carry at all are replaced, so the file always parses. */
function clean(s: string): string {
  return s.replace(/[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd');
}

function text(s: string): string {
  return clean(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function attr(s: string): string {
  return text(s).replace(/"/g, '&quot;').replace(/\n/g, '&#10;').replace(/\r/g, '&#13;').replace(/\t/g, '&#9;');
}

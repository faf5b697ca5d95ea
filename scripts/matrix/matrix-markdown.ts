/** docs/compat-matrix.md from a Matrix: the server table, one table per RFC, then the notes. */
import type { ReportScenario } from '../../src/harness/report.js';
import type { Cell, Matrix, Requirement, ServerRun } from './matrix-model.js';

/** What a person concluded after checking a non-PASS cell against the RFC text (reviews.json). */
export interface Review {
  /** deviation: the server breaks the RFC; harness: the suite/runner is wrong; setup: our configuration. */
  readonly finding: 'deviation' | 'harness' | 'setup';
  readonly note: string;
  /** The FAIL/ERROR scenarios the review covers (by name): a new failing scenario is not reviewed. */
  readonly scenarios: readonly string[];
}

export interface RenderInput {
  readonly matrix: Matrix;
  readonly rfcTitles: ReadonlyMap<string, string>; // "1939" -> "Post Office Protocol - Version 3"
  readonly sectionTitles: ReadonlyMap<string, ReadonlyMap<string, string>>; // "1939" -> "7" -> title
  readonly reviews: Readonly<Record<string, Review>>;
  readonly uncatalogued: readonly string[];
  readonly generatedAt: string;
}

const NOTED = new Set(['FAIL', 'ERROR', 'WARN']);
const MAX_TRANSCRIPT_LINES = 14;

export function anchor(server: string, requirementId: string): string {
  return `n-${server}-${requirementId}`.toLowerCase().replace(/[^a-z0-9-]/g, '-');
}

function esc(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

/** The review of a cell, if it covers every scenario that failed there now. */
function reviewOf(reviews: RenderInput['reviews'], server: string, r: Requirement, cell: Cell): Review | undefined {
  const review = reviews[`${server}/${r.id}`];
  if (!review) return undefined;
  const failing = cell.deciding.filter((s) => s.verdict === 'FAIL' || s.verdict === 'ERROR');
  return failing.every((s) => review.scenarios.includes(s.name)) ? review : undefined;
}

/**
 * A FAIL or ERROR that a person traced to the harness or to our setup is not the server's: the
 * cell says HARNESS or SETUP instead, and the note explains.
 */
function cellText(cell: Cell, server: string, r: Requirement, reviews: RenderInput['reviews']): string {
  if (!NOTED.has(cell.verdict)) return cell.verdict === 'not covered' ? '—' : cell.verdict;
  const review = reviewOf(reviews, server, r, cell);
  const link = `[note](#${anchor(server, r.id)})`;
  if (review?.finding === 'harness') return `HARNESS ${link}`;
  if (review?.finding === 'setup') return `SETUP ${link}`;
  return `${cell.verdict === 'FAIL' ? '**FAIL**' : cell.verdict} ${link}`;
}

/** Requirement cells per server after the hand review: confirmed FAILs, and those put down to the harness. */
function reviewedCounts(input: RenderInput, j: number): { fail: number; unchecked: number; harness: number } {
  const server = input.matrix.servers[j]!.name;
  let fail = 0;
  let unchecked = 0;
  let harness = 0;
  input.matrix.requirements.forEach((r, i) => {
    const cell = input.matrix.cells[i]![j]!;
    if (cell.verdict !== 'FAIL' && cell.verdict !== 'ERROR') return;
    const finding = reviewOf(input.reviews, server, r, cell)?.finding;
    if (finding === 'harness' || finding === 'setup') harness++;
    else if (finding === 'deviation') fail++;
    else if (cell.verdict === 'FAIL') unchecked++;
  });
  return { fail, unchecked, harness };
}

function serverTable(input: RenderInput): string[] {
  const lines = [
    '| server | version | port | messages | requirements FAIL (confirmed) | HARNESS / SETUP | FAIL not yet checked | scenarios PASS / FAIL / WARN / SKIP / not advertised / ERROR |',
    '| --- | --- | --- | --- | --- | --- | --- | --- |',
  ];
  input.matrix.servers.forEach((s, j) => {
    const t = s.report?.totals;
    const fixtures = s.meta.fixtures ?? '';
    const messages = fixtures.startsWith('maildir:') ? 'written by the harness (Maildir)' : fixtures === 'none' ? 'preloaded by the setup' : '';
    const version = s.meta.version ?? (s.meta.started === 'no' ? 'did not start' : 'not run');
    if (!t) {
      lines.push(`| ${s.name} | ${esc(version)} | ${s.meta.port ?? ''} | ${messages} | | | | not run |`);
      return;
    }
    const c = reviewedCounts(input, j);
    const counts = [t.PASS, t.FAIL, t.WARN, t.SKIP, t.notAdvertised, t.ERROR].join(' / ');
    lines.push(`| ${s.name} | ${esc(version)} | ${s.meta.port ?? ''} | ${messages} | ${c.fail} | ${c.harness} | ${c.unchecked} | ${counts} |`);
  });
  return lines;
}

function requirementTables(input: RenderInput): string[] {
  const { matrix } = input;
  const out: string[] = [];
  const rfcs = [...new Set(matrix.requirements.map((r) => r.rfc))];
  for (const rfc of rfcs) {
    out.push(`## RFC ${rfc}: ${input.rfcTitles.get(rfc) ?? ''}`, '');
    out.push(`| requirement | § | level | ${matrix.servers.map((s) => s.name).join(' | ')} |`);
    out.push(`| --- | --- | --- | ${matrix.servers.map(() => '---').join(' | ')} |`);
    matrix.requirements.forEach((r, i) => {
      if (r.rfc !== rfc) return;
      const cells = matrix.servers.map((s, j) => cellText(matrix.cells[i]![j]!, s.name, r, input.reviews));
      out.push(`| ${r.id} | ${r.section} | ${r.level} | ${cells.join(' | ')} |`);
    });
    out.push('');
    const untestable = matrix.requirements.filter((r) => r.rfc === rfc && r.untestable);
    if (untestable.length > 0) {
      out.push('n/a: the catalog says no server test can show these:', '');
      for (const r of untestable) out.push(`- ${r.id}: ${r.untestable}`);
      out.push('');
    }
  }
  return out;
}

/** The first and last lines of a transcript: the greeting and login, and the bytes that failed. */
function trimTranscript(t: string): string[] {
  const lines = t.split('\n').filter((l) => l.length > 0);
  if (lines.length <= MAX_TRANSCRIPT_LINES) return lines;
  const head = lines.slice(0, 4);
  const tail = lines.slice(-(MAX_TRANSCRIPT_LINES - 5));
  return [...head, `… ${lines.length - head.length - tail.length} lines …`, ...tail];
}

function clip(line: string, max = 220): string {
  return line.length > max ? `${line.slice(0, max)}… (${line.length} chars)` : line;
}

function scenarioBlock(s: ReportScenario, transcripts: number): string[] {
  const out = [`Scenario: ${s.name} (\`${s.uri}:${s.line}\`, ${s.verdict})`, ''];
  const text = s.message ?? s.reason;
  if (text) out.push('```text', ...text.split('\n').map((l) => clip(l)), '```', '');
  for (const t of s.transcripts.slice(0, transcripts)) {
    out.push('Bytes on the wire (C: client, S: server; \\r\\n as sent):', '', '```text', ...trimTranscript(t).map((l) => clip(l)), '```', '');
  }
  return out;
}

function notes(input: RenderInput): string[] {
  const { matrix } = input;
  const out = ['## Notes', ''];
  let count = 0;
  matrix.servers.forEach((server, j) => {
    matrix.requirements.forEach((r, i) => {
      const cell = matrix.cells[i]![j]!;
      if (!NOTED.has(cell.verdict)) return;
      count++;
      const title = input.sectionTitles.get(r.rfc)?.get(r.section);
      const review = reviewOf(input.reviews, server.name, r, cell);
      const label = review && review.finding !== 'deviation' ? `${cell.verdict}, traced to the ${review.finding}` : cell.verdict;
      out.push(`### <a id="${anchor(server.name, r.id)}"></a>${server.name}: ${r.id} ${label}`, '');
      out.push(`RFC ${r.rfc} §${r.section}${title ? ` (${title})` : ''}, ${r.level}:`, '');
      out.push(`> ${r.text.replace(/\n/g, ' ')}`, '');
      out.push(review ? `Checked by hand: **${review.finding}**. ${review.note}` : cell.verdict === 'FAIL' ? '**Not yet checked by hand.**' : '', '');
      // The bytes matter for a FAIL the server owns; a WARN or a harness finding is told by its message.
      const serverFault = cell.verdict !== 'WARN' && (!review || review.finding === 'deviation');
      cell.deciding.slice(0, serverFault ? 3 : 2).forEach((s, k) => out.push(...scenarioBlock(s, serverFault ? 2 : k === 0 && cell.verdict !== 'WARN' ? 1 : 0)));
      if (cell.deciding.length > 3) out.push(`(${cell.deciding.length - 3} more scenarios: see the report.)`, '');
    });
  });
  if (count === 0) out.push('No FAIL, WARN or ERROR.');
  return out;
}

export function renderMarkdown(input: RenderInput): string {
  const out = [
    '# POP3 compatibility matrix',
    '',
    '<!-- Generated by `npm run matrix` (scripts/matrix/run.sh); do not edit by hand. Hand reviews of',
    '     FAIL cells go in scripts/matrix/reviews.json. -->',
    '',
    `Generated ${input.generatedAt}. The conformance suite (\`popcheck conformance\`) against each server on a`,
    'loopback port of its own, with the same users (alice/wonderland, bob/builder) and the same',
    'messages (fixtures/messages). How each server is set up: scripts/matrix/SERVER.sh and',
    'docs/interop.md. One row per catalogued requirement (features/catalog); a cell is the worst',
    'verdict of the scenarios that cover it: FAIL (checked by hand against the RFC text: a real',
    'deviation), HARNESS or SETUP (a FAIL or ERROR traced to the conformance suite or to our server',
    'setup, not to the server; the note says how), ERROR (the harness could not tell), WARN (a',
    'SHOULD or MAY not met), PASS, not advertised (CAPA does not list the capability), SKIP (the',
    'scenario could not run here: see the server table and the report), n/a (a rule no server test',
    'can show, listed under each table), — (no scenario yet).',
    '',
    ...serverTable(input),
    '',
    'Servers whose messages are "preloaded by the setup" read only Unix-format mail (LF line ends),',
    'which the harness does not write: their @fixtures scenarios are SKIPped, and the scenarios that',
    'only need some messages run against the preloaded fixtures.',
    '',
    ...requirementTables(input),
  ];
  if (input.uncatalogued.length > 0) {
    out.push('Requirement IDs that scenarios name but the catalog does not list: ' + input.uncatalogued.join(', ') + '.', '');
  }
  out.push(...notes(input));
  return `${out.join('\n').replace(/\n{3,}/g, '\n\n').trimEnd()}\n`;
}

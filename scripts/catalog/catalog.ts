/**
 * The requirement catalog (features/catalog/rfc*.json) and the scenarios that cover it.
 *
 * Every testable server-side requirement of the POP3 RFCs the suite checks (RFC 1939, 2449, 3206,
 * 2595, 5034, 8314, and the SASL mechanisms of RFC 4616, 2195 and 7677) has a stable ID; a
 * scenario covers it by carrying the tag `@req-<ID>` (src/harness/contract.ts, TAGS). A requirement
 * with no scenario must say why (`reason`). Feature files are read with @cucumber/gherkin and
 * compiled to pickles, exactly as cucumber runs them, so inherited tags (feature, rule, examples)
 * and Scenario Outline rows count the same way here as in a run.
 */
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { AstBuilder, GherkinClassicTokenMatcher, Parser, compile } from '@cucumber/gherkin';
import { IdGenerator } from '@cucumber/messages';
import { TAGS } from '../../src/harness/contract.js';

export type Level = 'MUST' | 'SHOULD' | 'MAY';
const LEVELS: readonly Level[] = ['MUST', 'SHOULD', 'MAY'];

export interface Requirement {
  readonly id: string;
  readonly rfc: string;
  readonly section: string;
  readonly level: Level;
  /** The RFC's own word for it, as written ("MUST", "must", "required", "declarative", ...). */
  readonly keyword: string;
  /** A quote or a close paraphrase of the RFC text. */
  readonly text: string;
  /** Why no scenario covers it (client-side, not observable from the wire, ...). */
  readonly reason?: string | undefined;
}

export interface CatalogFile {
  readonly rfc: string;
  readonly title: string;
  /**
   * The folder of features/ that holds its scenarios: `rfcNNNN` of its own number unless it says
   * otherwise (the SASL mechanisms live with RFC 5034, RFC 8314 with RFC 2595).
   */
  readonly folder: string;
  readonly note?: string;
  readonly requirements: readonly Requirement[];
}

export interface Catalog {
  readonly files: readonly CatalogFile[];
  readonly requirements: readonly Requirement[];
  readonly byId: ReadonlyMap<string, Requirement>;
}

/** One runnable scenario (a pickle): a Scenario, or one Examples row of a Scenario Outline. */
export interface ScenarioInfo {
  /** Path relative to the features folder, with "/" separators. */
  readonly uri: string;
  readonly feature: string;
  readonly name: string;
  /** The name as written: for an outline row, with its <placeholders> (the same for every row). */
  readonly title: string;
  /** Line of the Scenario (Outline) keyword. */
  readonly line: number;
  readonly tags: readonly string[];
}

export const CATALOG_DIR = 'features/catalog';
export const FEATURES_DIR = 'features';
export const REQUIREMENTS_DOC = 'docs/requirements.md';

const ID_PATTERN = /^(\d{4})-[A-Z][A-Z0-9]*(?:-[A-Z0-9]+)*-\d+$/;

// --- loading --------------------------------------------------------------------------------

export async function loadCatalog(root: string): Promise<Catalog> {
  const dir = path.join(root, CATALOG_DIR);
  const names = (await readdir(dir)).filter((n) => /^rfc\d+\.json$/.test(n)).sort();
  const files: CatalogFile[] = [];
  for (const name of names) {
    const raw = JSON.parse(await readFile(path.join(dir, name), 'utf8')) as {
      rfc: string;
      title: string;
      folder?: string;
      note?: string;
      requirements: Array<Omit<Requirement, 'rfc'>>;
    };
    files.push({ ...raw, folder: raw.folder ?? `rfc${raw.rfc}`, requirements: raw.requirements.map((r) => ({ ...r, rfc: raw.rfc })) });
  }
  files.sort((a, b) => Number(a.rfc) - Number(b.rfc));
  const requirements = files.flatMap((f) => f.requirements);
  return { files, requirements, byId: new Map(requirements.map((r) => [r.id, r])) };
}

async function featureFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await featureFiles(full)));
    else if (entry.name.endsWith('.feature')) out.push(full);
  }
  return out.sort();
}

/** Parses one feature file's text into its pickles. Throws on a Gherkin syntax error. */
export function scenariosOf(uri: string, text: string): ScenarioInfo[] {
  const newId = IdGenerator.incrementing();
  const parser = new Parser(new AstBuilder(newId), new GherkinClassicTokenMatcher());
  const doc = parser.parse(text);
  const feature = doc.feature;
  if (!feature) return [];
  // Scenario node ids -> where and how it is written, to report where each pickle comes from.
  type Node = { id: string; name: string; location: { line: number } };
  const nodes = new Map<string, Node>();
  const visit = (children: ReadonlyArray<{ scenario?: Node; rule?: { children: ReadonlyArray<{ scenario?: Node }> } }>): void => {
    for (const c of children) {
      if (c.scenario) nodes.set(c.scenario.id, c.scenario);
      if (c.rule) visit(c.rule.children);
    }
  };
  visit(feature.children);
  return compile(doc, uri, newId).map((p) => {
    const node = p.astNodeIds.map((id) => nodes.get(id)).find((n) => n !== undefined);
    return {
      uri,
      feature: feature.name,
      name: p.name,
      title: node?.name ?? p.name,
      line: node?.location.line ?? 0,
      tags: p.tags.map((t) => t.name),
    };
  });
}

/**
 * The conformance scenarios: every feature file under features/rfcNNNN/. Other folders of
 * features/ (features/interop/, real clients against the reference server) are separate suites
 * with their own configuration and are not about requirements.
 */
export async function loadScenarios(root: string): Promise<ScenarioInfo[]> {
  const base = path.join(root, FEATURES_DIR);
  const out: ScenarioInfo[] = [];
  const folders = (await readdir(base, { withFileTypes: true })).filter((e) => e.isDirectory() && /^rfc\d+$/.test(e.name)).map((e) => e.name).sort();
  const files = (await Promise.all(folders.map((f) => featureFiles(path.join(base, f))))).flat();
  for (const file of files) {
    const uri = path.relative(base, file).split(path.sep).join('/');
    out.push(...scenariosOf(uri, await readFile(file, 'utf8')));
  }
  return out;
}

// --- tags -----------------------------------------------------------------------------------

export interface ScenarioTagInfo {
  readonly rfcs: string[];
  readonly sections: string[];
  readonly levels: Level[];
  readonly requirements: string[];
}

export function tagInfo(tags: readonly string[]): ScenarioTagInfo {
  const pick = (re: RegExp): string[] => [...new Set(tags.map((t) => re.exec(t)?.[1]).filter((x): x is string => x !== undefined))];
  return {
    rfcs: pick(TAGS.rfc),
    sections: pick(TAGS.section),
    levels: pick(TAGS.level) as Level[],
    requirements: pick(TAGS.requirement),
  };
}

// --- checks ---------------------------------------------------------------------------------

/** Problems in the catalog itself: IDs, levels, sections, duplicates. */
export function catalogProblems(catalog: Catalog): string[] {
  const problems: string[] = [];
  const seen = new Set<string>();
  for (const r of catalog.requirements) {
    const m = ID_PATTERN.exec(r.id);
    if (!m) problems.push(`${r.id}: the ID does not look like NNNN-AREA-n`);
    else if (m[1] !== r.rfc) problems.push(`${r.id}: listed under RFC ${r.rfc}`);
    if (seen.has(r.id)) problems.push(`${r.id}: defined twice`);
    seen.add(r.id);
    if (!LEVELS.includes(r.level)) problems.push(`${r.id}: level ${JSON.stringify(r.level)} is not MUST, SHOULD or MAY`);
    if (!/^\d+(\.\d+)*$/.test(r.section)) problems.push(`${r.id}: section ${JSON.stringify(r.section)} is not a section number`);
    if (!r.text?.trim()) problems.push(`${r.id}: no text`);
    if (!r.keyword?.trim()) problems.push(`${r.id}: no keyword`);
    if (r.reason !== undefined && !r.reason.trim()) problems.push(`${r.id}: an empty reason`);
  }
  return problems;
}

/**
 * Problems in one scenario's tags: exactly one @rfc and one level tag, at least one @sec and one
 * @req; every @req known; the level one of its requirements' levels (a failure of a MUST scenario
 * is a FAIL, of a SHOULD/MAY one a WARN, so the tag must say what the RFC says); every @sec the
 * section of one of its requirements of that RFC.
 */
export function scenarioProblems(s: ScenarioInfo, catalog: Catalog): string[] {
  const where = `${s.uri}:${s.line} "${s.name}"`;
  const t = tagInfo(s.tags);
  const problems: string[] = [];
  if (t.rfcs.length !== 1) problems.push(`${where}: needs exactly one @rfcNNNN tag, has ${t.rfcs.length}`);
  if (t.sections.length === 0) problems.push(`${where}: has no @sec-N tag`);
  if (t.levels.length !== 1) problems.push(`${where}: needs exactly one of @MUST, @SHOULD, @MAY, has ${t.levels.length}`);
  if (t.requirements.length === 0) problems.push(`${where}: has no @req-<ID> tag`);
  const reqs: Requirement[] = [];
  for (const id of t.requirements) {
    const r = catalog.byId.get(id);
    if (!r) problems.push(`${where}: @req-${id} names no requirement of the catalog`);
    else reqs.push(r);
  }
  if (reqs.length === 0) return problems;
  const level = t.levels[0];
  if (level && t.levels.length === 1 && !reqs.some((r) => r.level === level)) {
    problems.push(`${where}: tagged @${level}, but its requirements are ${[...new Set(reqs.map((r) => r.level))].join('/')}`);
  }
  const rfc = t.rfcs[0];
  if (rfc && t.rfcs.length === 1) {
    const ofRfc = reqs.filter((r) => r.rfc === rfc);
    if (ofRfc.length === 0) problems.push(`${where}: tagged @rfc${rfc}, but none of its requirements is from RFC ${rfc}`);
    for (const sec of t.sections) {
      if (!ofRfc.some((r) => r.section === sec)) problems.push(`${where}: @sec-${sec} is not the section of any of its RFC ${rfc} requirements`);
    }
  }
  return problems;
}

/**
 * A scenario lives in the folder of its RFC (features/rfcNNNN/, or the catalog's `folder`), and
 * every folder of scenarios belongs to a catalog file, so a reader finds an RFC's scenarios in one
 * place.
 */
export function folderProblems(s: ScenarioInfo, catalog: Catalog): string[] {
  const where = `${s.uri}:${s.line} "${s.name}"`;
  const folder = s.uri.split('/', 1)[0]!;
  const rfcs = tagInfo(s.tags).rfcs;
  if (!catalog.files.some((f) => f.folder === folder)) return [`${where}: features/${folder}/ holds the scenarios of no catalog file`];
  const problems: string[] = [];
  for (const rfc of rfcs) {
    const file = catalog.files.find((f) => f.rfc === rfc);
    if (!file) problems.push(`${where}: @rfc${rfc} has no catalog file (features/catalog/rfc${rfc}.json)`);
    else if (file.folder !== folder) problems.push(`${where}: an @rfc${rfc} scenario belongs in features/${file.folder}/`);
  }
  return problems;
}

export interface Coverage {
  readonly requirement: Requirement;
  /** Distinct scenarios (outline rows folded into their outline) covering it. */
  readonly scenarios: ReadonlyArray<{ uri: string; name: string; line: number }>;
}

export function coverage(catalog: Catalog, scenarios: readonly ScenarioInfo[]): Coverage[] {
  const by = new Map<string, Map<string, { uri: string; name: string; line: number }>>();
  for (const s of scenarios) {
    for (const id of tagInfo(s.tags).requirements) {
      const key = `${s.uri}:${s.line}`;
      let m = by.get(id);
      if (!m) by.set(id, (m = new Map()));
      // Outline rows share the outline's line and title: one entry per outline.
      if (!m.has(key)) m.set(key, { uri: s.uri, name: s.title, line: s.line });
    }
  }
  return catalog.requirements.map((requirement) => ({
    requirement,
    scenarios: [...(by.get(requirement.id)?.values() ?? [])].sort((a, b) => (a.uri === b.uri ? a.line - b.line : a.uri < b.uri ? -1 : 1)),
  }));
}

/** Requirements with neither a scenario nor a reason, or (contradictory) with both. */
export function coverageProblems(cov: readonly Coverage[]): string[] {
  const problems: string[] = [];
  for (const c of cov) {
    const { id, reason } = c.requirement;
    if (c.scenarios.length === 0 && reason === undefined) problems.push(`${id}: no scenario covers it and it gives no reason`);
    if (c.scenarios.length > 0 && reason !== undefined) {
      problems.push(`${id}: has a reason for having no scenario, but ${c.scenarios.length} scenario(s) cover it`);
    }
  }
  return problems;
}

// --- docs/requirements.md -------------------------------------------------------------------

/** Text for a Markdown table cell: "|" escaped, "<" and ">" shown as text, not taken as HTML. */
function cell(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/\|/g, '\\|').replace(/\s*\n\s*/g, ' ');
}

function sectionKey(section: string): number[] {
  return section.split('.').map(Number);
}

function bySection(a: Requirement, b: Requirement): number {
  const x = sectionKey(a.section);
  const y = sectionKey(b.section);
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    const d = (x[i] ?? -1) - (y[i] ?? -1);
    if (d !== 0) return d;
  }
  return 0;
}

/** The whole text of docs/requirements.md; deterministic, so a stale copy can be detected. */
export function renderRequirements(catalog: Catalog, scenarios: readonly ScenarioInfo[]): string {
  const cov = coverage(catalog, scenarios);
  const covById = new Map(cov.map((c) => [c.requirement.id, c]));
  const out: string[] = [];
  out.push('# Requirements catalog');
  out.push('');
  out.push('<!-- Generated by scripts/catalog/generate-requirements.ts from features/catalog/*.json and the');
  out.push('     @req- tags of features/**/*.feature. Do not edit by hand: run');
  out.push('     `npx tsx scripts/catalog/generate-requirements.ts`. -->');
  out.push('');
  out.push('Every testable server-side requirement of the POP3 RFCs this suite checks, with a stable ID. A');
  out.push('scenario covers a requirement by carrying the tag `@req-<ID>`; a requirement no scenario covers says');
  out.push('why. Levels are the RFC\'s own: RFC 1939 predates RFC 2119, so its lower-case "must", "should" and');
  out.push('"may" count as MUST, SHOULD and MAY, "required" as MUST, and a plain statement of what the server');
  out.push('does ("declarative") as MUST. The RFC\'s word is shown when it is not the level itself.');
  out.push('');
  out.push('## Tags');
  out.push('');
  out.push('Every scenario carries: `@rfcNNNN` (one), `@sec-N` (the RFC section), one of `@MUST`, `@SHOULD`,');
  out.push('`@MAY` (a failure of a MUST scenario is FAIL, of a SHOULD or MAY one WARN), and one or more');
  out.push('`@req-<ID>`. Optional: `@capa-<TAG>` (depends on a CAPA capability: when it is not announced the');
  out.push('verdict is NOT-ADVERTISED, or UNADVERTISED-WORKS when the scenario passes anyway), `@fixtures`');
  out.push('(needs the known messages of fixtures/messages/ in the maildrop), `@destructive` (deletes messages');
  out.push('with DELE and QUIT; runs only with --destructive), `@bundled` (needs the bundled reference server).');
  out.push('');
  out.push('## Summary');
  out.push('');
  out.push('| RFC | title | scenarios in | requirements | covered | with a reason |');
  out.push('| --- | --- | --- | ---: | ---: | ---: |');
  for (const f of catalog.files) {
    const rs = f.requirements;
    const covered = rs.filter((r) => (covById.get(r.id)?.scenarios.length ?? 0) > 0).length;
    out.push(`| [RFC ${f.rfc}](#rfc-${f.rfc}) | ${cell(f.title)} | features/${f.folder}/ | ${rs.length} | ${covered} | ${rs.filter((r) => r.reason !== undefined).length} |`);
  }
  const total = catalog.requirements.length;
  const coveredAll = cov.filter((c) => c.scenarios.length > 0).length;
  out.push(`| all | | | ${total} | ${coveredAll} | ${catalog.requirements.filter((r) => r.reason !== undefined).length} |`);
  const pickles = scenarios.length;
  const files = new Set(scenarios.map((s) => s.uri)).size;
  out.push('');
  out.push(`${pickles} scenarios (Scenario Outline rows counted one by one) in ${files} feature files.`);
  for (const f of catalog.files) {
    out.push('');
    out.push(`<a id="rfc-${f.rfc}"></a>`);
    out.push('');
    out.push(`## RFC ${f.rfc}: ${f.title}`);
    if (f.note) {
      out.push('');
      out.push(f.note);
    }
    out.push('');
    out.push('| ID | § | level | requirement | covered by |');
    out.push('| --- | --- | --- | --- | --- |');
    for (const r of [...f.requirements].sort(bySection)) {
      const c = covById.get(r.id)!;
      const level = r.keyword === r.level ? r.level : `${r.level} (${r.keyword})`;
      const covered =
        c.scenarios.length > 0
          ? c.scenarios.map((s) => `[${cell(s.name)}](../features/${s.uri}#L${s.line})`).join('<br>')
          : `*Not tested:* ${cell(r.reason ?? '(no reason given)')}`;
      out.push(`| <a id="${r.id}"></a>${r.id} | ${r.section} | ${level} | ${cell(r.text)} | ${covered} |`);
    }
  }
  out.push('');
  return out.join('\n');
}

/**
 * features/manager against the spec: every scenario tagged @manager, one level, its sections and
 * requirements those of docs/manager-protocol.txt Appendix B (mirrored in features/manager/
 * catalog.json); every requirement covered by a scenario or given a reason.
 */
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { AstBuilder, GherkinClassicTokenMatcher, Parser, compile } from '@cucumber/gherkin';
import { IdGenerator } from '@cucumber/messages';
import { beforeAll, describe, expect, it } from 'vitest';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const DIR = path.join(ROOT, 'features/manager');

interface Requirement {
  id: string;
  section: string;
  level: string;
  reason?: string;
}

let catalog: Requirement[];
let scenarios: Array<{ where: string; tags: string[] }>;
let spec: string;

beforeAll(async () => {
  catalog = (JSON.parse(await readFile(path.join(DIR, 'catalog.json'), 'utf8')) as { requirements: Requirement[] }).requirements;
  spec = await readFile(path.join(ROOT, 'docs/manager-protocol.txt'), 'utf8');
  scenarios = [];
  for (const name of (await readdir(DIR)).filter((n) => n.endsWith('.feature'))) {
    const newId = IdGenerator.incrementing();
    const doc = new Parser(new AstBuilder(newId), new GherkinClassicTokenMatcher()).parse(await readFile(path.join(DIR, name), 'utf8'));
    for (const p of compile(doc, name, newId)) scenarios.push({ where: `${name}: ${p.name}`, tags: p.tags.map((t) => t.name) });
  }
});

describe('features/manager', () => {
  it('the catalog is the spec\'s Appendix B', () => {
    const index = spec.slice(spec.lastIndexOf('Appendix B.'));
    const rows = [...index.matchAll(/^ {3}(MGR-[A-Z0-9-]+)\s+([\d.]+)\s+(MUST|SHOULD|MAY)\s/gm)].map((m) => ({ id: m[1], section: m[2], level: m[3] }));
    expect(catalog.map(({ id, section, level }) => ({ id, section, level }))).toEqual(rows);
    // Every ID is also used in the body of the spec, next to its requirement.
    for (const r of catalog) expect(spec.indexOf(`[${r.id}]`), r.id).toBeGreaterThan(0);
  });

  it('tags every scenario with @manager, one level, and known sections and requirements', () => {
    const byId = new Map(catalog.map((r) => [r.id, r]));
    const problems: string[] = [];
    for (const s of scenarios) {
      const reqs = s.tags.filter((t) => t.startsWith('@req-')).map((t) => byId.get(t.slice(5)));
      const secs = s.tags.filter((t) => t.startsWith('@sec-')).map((t) => t.slice(5));
      const levels = s.tags.filter((t) => /^@(MUST|SHOULD|MAY)$/.test(t)).map((t) => t.slice(1));
      if (!s.tags.includes('@manager')) problems.push(`${s.where}: no @manager`);
      if (levels.length !== 1) problems.push(`${s.where}: ${levels.length} level tags`);
      if (reqs.length === 0 || reqs.includes(undefined)) problems.push(`${s.where}: unknown or missing @req`);
      const known = reqs.filter((r): r is Requirement => r !== undefined);
      if (!known.some((r) => r.level === levels[0])) problems.push(`${s.where}: @${levels[0]} is not the level of its requirements`);
      for (const sec of secs) if (!known.some((r) => r.section === sec)) problems.push(`${s.where}: @sec-${sec} is no section of its requirements`);
      for (const r of known) if (!secs.includes(r.section)) problems.push(`${s.where}: no @sec-${r.section} for ${r.id}`);
    }
    expect(problems).toEqual([]);
  });

  it('covers every requirement with a scenario, or says why not', () => {
    const covered = new Set(scenarios.flatMap((s) => s.tags.filter((t) => t.startsWith('@req-')).map((t) => t.slice(5))));
    expect(catalog.filter((r) => !covered.has(r.id) && !r.reason).map((r) => r.id)).toEqual([]);
    expect(catalog.filter((r) => covered.has(r.id) && r.reason).map((r) => r.id)).toEqual([]);
  });
});

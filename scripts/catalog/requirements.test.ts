/**
 * The catalog and the feature files must agree: every requirement covered or excused, every
 * @req- tag known, every scenario tagged with its RFC, section and level, and docs/requirements.md
 * exactly what the generator writes.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  catalogProblems,
  coverage,
  folderProblems,
  coverageProblems,
  loadCatalog,
  loadScenarios,
  renderRequirements,
  REQUIREMENTS_DOC,
  scenarioProblems,
  scenariosOf,
  type Catalog,
  type ScenarioInfo,
} from './catalog.js';
import { REPO_ROOT } from './generate-requirements.js';

let catalog: Catalog;
let scenarios: ScenarioInfo[];

beforeAll(async () => {
  [catalog, scenarios] = await Promise.all([loadCatalog(REPO_ROOT), loadScenarios(REPO_ROOT)]);
});

describe('requirement catalog', () => {
  it('has well-formed, unique requirements for each RFC of the suite', () => {
    expect(catalog.files.map((f) => f.rfc)).toEqual(['1939', '2195', '2449', '2595', '3206', '4616', '5034', '7677', '8314']);
    expect(catalogProblems(catalog)).toEqual([]);
  });

  it('covers every requirement with a scenario or gives a reason', () => {
    expect(coverageProblems(coverage(catalog, scenarios))).toEqual([]);
  });

  it('finds scenarios in every folder of the suite', () => {
    for (const folder of ['rfc1939', 'rfc2449', 'rfc2595', 'rfc3206', 'rfc5034']) {
      expect(scenarios.some((s) => s.uri.startsWith(`${folder}/`)), folder).toBe(true);
    }
  });

  it('keeps each scenario in the folder of its RFC', () => {
    expect(scenarios.flatMap((s) => folderProblems(s, catalog))).toEqual([]);
  });

  it('covers RFC 2595, 5034 and 3206 with scenarios of their own RFC tag', () => {
    for (const rfc of ['2595', '5034', '3206', '4616', '2195', '7677', '8314']) {
      expect(scenarios.some((s) => s.tags.includes(`@rfc${rfc}`)), rfc).toBe(true);
    }
  });

  it('tags every scenario with its RFC, section, level and known requirements', () => {
    expect(scenarios.flatMap((s) => scenarioProblems(s, catalog))).toEqual([]);
  });

  it('keeps docs/requirements.md up to date (npx tsx scripts/catalog/generate-requirements.ts)', async () => {
    const current = await readFile(path.join(REPO_ROOT, REQUIREMENTS_DOC), 'utf8').catch(() => '');
    expect(current === renderRequirements(catalog, scenarios), `${REQUIREMENTS_DOC} is stale`).toBe(true);
  });
});

describe('the checks themselves', () => {
  const sample = (tags: string): ScenarioInfo[] =>
    scenariosOf('rfc1939/x.feature', `Feature: x\n\n  ${tags}\n  Scenario: s\n    Given the client is connected\n`);

  it('reports an unknown @req- tag', () => {
    const [s] = sample('@rfc1939 @sec-3 @MUST @req-1939-NOPE-1');
    expect(scenarioProblems(s!, catalog).join('\n')).toMatch(/names no requirement/);
  });

  it('reports missing RFC, section and level tags', () => {
    const [s] = sample('@req-1939-RESP-3');
    const text = scenarioProblems(s!, catalog).join('\n');
    expect(text).toMatch(/@rfcNNNN/);
    expect(text).toMatch(/@sec-N/);
    expect(text).toMatch(/@MUST, @SHOULD, @MAY/);
  });

  it('reports a level that none of the requirements has', () => {
    const [s] = sample('@rfc1939 @sec-3 @MAY @req-1939-RESP-3');
    expect(scenarioProblems(s!, catalog).join('\n')).toMatch(/tagged @MAY/);
  });

  it('inherits feature tags and expands outline rows, as cucumber does', () => {
    const found = scenariosOf(
      'rfc1939/y.feature',
      '@rfc1939\nFeature: y\n\n  @sec-3 @MUST @req-1939-RESP-3\n  Scenario Outline: o <n>\n    Given x <n>\n\n    Examples:\n      | n |\n      | 1 |\n      | 2 |\n',
    );
    expect(found).toHaveLength(2);
    expect(found.every((s) => scenarioProblems(s, catalog).length === 0)).toBe(true);
  });

  it('reports a scenario outside the folder of its RFC', () => {
    const [s] = scenariosOf('rfc2449/z.feature', 'Feature: z\n\n  @rfc2595 @sec-4 @MUST @req-2595-STLS-1\n  Scenario: s\n    Given the client is connected\n');
    expect(folderProblems(s!, catalog).join('\n')).toMatch(/belongs in features\/rfc2595\//);
    const [t] = scenariosOf('rfc5034/z.feature', 'Feature: z\n\n  @rfc7677 @sec-3 @MUST @req-7677-SCRAM-1\n  Scenario: s\n    Given the client is connected\n');
    expect(folderProblems(t!, catalog)).toEqual([]);
  });

  it('reports a requirement with neither scenario nor reason', () => {
    const lonely = catalog.requirements.find((r) => r.reason === undefined)!;
    const cov = coverage({ ...catalog, requirements: [lonely] }, []);
    expect(coverageProblems(cov)).toEqual([`${lonely.id}: no scenario covers it and it gives no reason`]);
  });
});

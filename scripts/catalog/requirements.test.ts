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
  it('has well-formed, unique requirements for RFC 1939, 2449 and 3206', () => {
    expect(catalog.files.map((f) => f.rfc)).toEqual(['1939', '2449', '3206']);
    expect(catalogProblems(catalog)).toEqual([]);
  });

  it('covers every requirement with a scenario or gives a reason', () => {
    expect(coverageProblems(coverage(catalog, scenarios))).toEqual([]);
  });

  it('finds scenarios in features/rfc1939 and features/rfc2449', () => {
    expect(scenarios.some((s) => s.uri.startsWith('rfc1939/'))).toBe(true);
    expect(scenarios.some((s) => s.uri.startsWith('rfc2449/'))).toBe(true);
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

  it('reports a requirement with neither scenario nor reason', () => {
    const lonely = catalog.requirements.find((r) => r.reason === undefined)!;
    const cov = coverage({ ...catalog, requirements: [lonely] }, []);
    expect(coverageProblems(cov)).toEqual([`${lonely.id}: no scenario covers it and it gives no reason`]);
  });
});

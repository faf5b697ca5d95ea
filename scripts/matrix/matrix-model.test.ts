import { describe, expect, it } from 'vitest';
import type { ConformanceReport, ReportScenario } from '../../src/harness/report.js';
import { buildMatrix, cellFor, uncataloguedIds, type Requirement, type ServerRun } from './matrix-model.js';

const req = (id: string, untestable?: string): Requirement => ({ id, rfc: '1939', section: '5', level: 'MUST', text: 't', untestable });

function scenario(requirements: string[], verdict: ReportScenario['verdict'], skipKind?: ReportScenario['skipKind']): ReportScenario {
  return {
    id: `s-${Math.random()}`, name: 'n', feature: 'f', uri: 'u', line: 1, tags: [], rfc: 'RFC 1939', sections: ['5'], level: 'MUST',
    requirements, capabilities: [], verdict, skipKind, transcripts: [], durationMs: 1,
  };
}

function run(scenarios: ReportScenario[]): ServerRun {
  return { name: 'x', meta: {}, report: { scenarios } as unknown as ConformanceReport };
}

describe('cellFor', () => {
  it('takes the worst verdict: one FAIL outweighs passes', () => {
    const r = run([scenario(['A'], 'PASS'), scenario(['A'], 'FAIL'), scenario(['A'], 'WARN')]);
    const cell = cellFor(req('A'), r);
    expect(cell.verdict).toBe('FAIL');
    expect(cell.deciding).toHaveLength(1);
  });

  it('is PASS when something passed and the rest was skipped', () => {
    expect(cellFor(req('A'), run([scenario(['A'], 'SKIP', 'option'), scenario(['A'], 'PASS')])).verdict).toBe('PASS');
  });

  it('tells "not advertised" from other skips', () => {
    expect(cellFor(req('A'), run([scenario(['A'], 'SKIP', 'not-advertised'), scenario(['A'], 'SKIP', 'option')])).verdict).toBe('not advertised');
    expect(cellFor(req('A'), run([scenario(['A'], 'SKIP', 'option')])).verdict).toBe('SKIP');
  });

  it('marks requirements without scenarios as n/a (catalog says untestable) or not covered', () => {
    expect(cellFor(req('B', 'client rule'), run([scenario(['A'], 'PASS')])).verdict).toBe('n/a');
    expect(cellFor(req('B'), run([scenario(['A'], 'PASS')])).verdict).toBe('not covered');
  });

  it('says "not run" for a server without a report', () => {
    expect(cellFor(req('A'), { name: 'x', meta: {}, report: undefined }).verdict).toBe('not run');
  });
});

describe('buildMatrix', () => {
  it('has one row per requirement and one cell per server', () => {
    const m = buildMatrix([req('A'), req('B')], [run([scenario(['A'], 'PASS')]), run([scenario(['B'], 'FAIL')])]);
    expect(m.cells.map((row) => row.map((c) => c.verdict))).toEqual([
      ['PASS', 'not covered'],
      ['not covered', 'FAIL'],
    ]);
  });

  it('lists requirement IDs that scenarios use but the catalog lacks', () => {
    expect(uncataloguedIds([req('A')], [run([scenario(['A', 'Z'], 'PASS')])])).toEqual(['Z']);
  });
});

/**
 * Baseline files: the verdict of every scenario in an accepted run, so a known failure does not
 * fail the gate and a scenario that used to pass does. A waiver (with its reason) takes a scenario
 * out of the gate altogether.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Verdict } from './contract.js';
import { UsageError } from './exit-codes.js';
import type { ScenarioResult } from './scenario-result.js';

export const BASELINE_KIND = 'popcheck-conformance-baseline';

export interface BaselineEntry {
  readonly verdict: Verdict;
  /** Why this scenario must never fail the gate (e.g. a documented deviation of the target). */
  readonly waiver?: string;
}

export interface Baseline {
  readonly schemaVersion: 1;
  readonly kind: typeof BASELINE_KIND;
  /** Free text: what the baseline was taken against. */
  readonly target?: string;
  /** Keyed by scenario id (feature path + " :: " + scenario name). */
  readonly scenarios: Readonly<Record<string, BaselineEntry>>;
}

const VERDICTS: ReadonlySet<string> = new Set(['PASS', 'FAIL', 'WARN', 'SKIP', 'ERROR']);

export async function readBaseline(file: string): Promise<Baseline> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new UsageError(`cannot read baseline ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new UsageError(`baseline ${file} is not JSON: ${(err as Error).message}`);
  }
  const problem = baselineProblem(value);
  if (problem) throw new UsageError(`baseline ${file}: ${problem}`);
  return value as Baseline;
}

function baselineProblem(value: unknown): string | undefined {
  const b = value as Partial<Baseline> | null;
  if (!b || typeof b !== 'object') return 'not an object';
  if (b.schemaVersion !== 1) return `unsupported schemaVersion ${JSON.stringify(b.schemaVersion)} (expected 1)`;
  if (b.kind !== BASELINE_KIND) return `"kind" must be "${BASELINE_KIND}"`;
  if (!b.scenarios || typeof b.scenarios !== 'object') return '"scenarios" must be an object';
  for (const [id, e] of Object.entries(b.scenarios)) {
    if (!e || typeof e !== 'object' || !VERDICTS.has(e.verdict)) return `scenario ${JSON.stringify(id)}: "verdict" must be one of ${[...VERDICTS].join(', ')}`;
    if (e.waiver !== undefined && (typeof e.waiver !== 'string' || e.waiver.trim() === '')) {
      return `scenario ${JSON.stringify(id)}: a waiver needs a reason (a non-empty string)`;
    }
  }
  return undefined;
}

/** A baseline from this run; waivers of `previous` carry over to the scenarios still present. */
export function baselineFromRun(results: readonly ScenarioResult[], target: string, previous?: Baseline): Baseline {
  const scenarios: Record<string, BaselineEntry> = {};
  for (const r of [...results].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))) {
    const waiver = previous?.scenarios[r.id]?.waiver;
    scenarios[r.id] = waiver !== undefined ? { verdict: r.verdict, waiver } : { verdict: r.verdict };
  }
  return { schemaVersion: 1, kind: BASELINE_KIND, target, scenarios };
}

export async function writeBaseline(file: string, baseline: Baseline): Promise<void> {
  await mkdir(path.dirname(path.resolve(file)), { recursive: true });
  await writeFile(file, `${JSON.stringify(baseline, null, 2)}\n`);
}

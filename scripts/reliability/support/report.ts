/**
 * The numbers of a reliability run (attempts, connections held, kills, RSS bounds, ...), printed as
 * they are measured and merged into one JSON file, so docs/security.md can quote the last run:
 * $REL_REPORT, default <tmpdir>/popcheck-reliability-report.json. Test files run one at a time
 * (vitest.reliability.config.ts), so the read-modify-write below never races.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const REPORT_FILE = process.env.REL_REPORT ?? path.join(os.tmpdir(), 'popcheck-reliability-report.json');

export function record(section: string, data: Record<string, unknown>): void {
  let all: Record<string, unknown> = {};
  try {
    all = JSON.parse(readFileSync(REPORT_FILE, 'utf8')) as Record<string, unknown>;
  } catch {
    // first section of the run, or an unreadable old report: start afresh
  }
  all[section] = { ...data, at: new Date().toISOString() };
  writeFileSync(REPORT_FILE, `${JSON.stringify(all, null, 2)}\n`);
  console.log(`[reliability] ${section}: ${JSON.stringify(data)}`);
}

/** Percentile (nearest rank) of a sample. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank]!;
}

export const round = (n: number, digits = 2): number => Math.round(n * 10 ** digits) / 10 ** digits;

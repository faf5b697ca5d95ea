/**
 * Writes docs/compat-matrix.md from the conformance reports of a matrix run.
 *   tsx scripts/matrix/report.ts --reports DIR --out FILE SERVER...
 * SERVER... fixes the column order; a server without DIR/SERVER.json shows as "not run".
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { ConformanceReport } from '../../src/harness/report.js';
import { renderMarkdown, type Review } from './matrix-markdown.js';
import { buildMatrix, uncataloguedIds, type Requirement, type ServerRun } from './matrix-model.js';
import { findRfcDir, sectionTitles } from './rfc-text.js';

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const CATALOGS = ['rfc1939', 'rfc2449', 'rfc3206'];

interface Catalog {
  rfc: string;
  title: string;
  requirements: Array<{ id: string; section: string; level: string; text: string; reason?: string }>;
}

function readMeta(file: string): Record<string, string> {
  if (!existsSync(file)) return {};
  const meta: Record<string, string> = {};
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const eq = line.indexOf('=');
    if (eq > 0) meta[line.slice(0, eq)] = line.slice(eq + 1);
  }
  return meta;
}

function main(): void {
  const { values, positionals } = parseArgs({
    options: { reports: { type: 'string' }, out: { type: 'string' } },
    allowPositionals: true,
  });
  if (!values.reports || !values.out || positionals.length === 0) {
    console.error('usage: report.ts --reports DIR --out FILE SERVER...');
    process.exit(2);
  }
  const catalogs = CATALOGS.map((c) => JSON.parse(readFileSync(path.join(REPO_ROOT, 'features/catalog', `${c}.json`), 'utf8')) as Catalog);
  const requirements: Requirement[] = catalogs.flatMap((c) =>
    c.requirements.map((r) => ({ id: r.id, rfc: c.rfc, section: r.section, level: r.level, text: r.text, untestable: r.reason })),
  );
  const servers: ServerRun[] = positionals.map((name) => {
    const json = path.join(values.reports!, `${name}.json`);
    const report = existsSync(json) ? (JSON.parse(readFileSync(json, 'utf8')) as ConformanceReport) : undefined;
    return { name, meta: readMeta(path.join(values.reports!, `${name}.meta`)), report };
  });
  const rfcDir = findRfcDir(REPO_ROOT);
  const reviewsFile = path.join(REPO_ROOT, 'scripts/matrix/reviews.json');
  const reviews = existsSync(reviewsFile) ? (JSON.parse(readFileSync(reviewsFile, 'utf8')) as Record<string, Review>) : {};
  const markdown = renderMarkdown({
    matrix: buildMatrix(requirements, servers),
    rfcTitles: new Map(catalogs.map((c) => [c.rfc, c.title])),
    sectionTitles: new Map(catalogs.map((c) => [c.rfc, sectionTitles(rfcDir, c.rfc)])),
    reviews,
    uncatalogued: uncataloguedIds(requirements, servers),
    generatedAt: new Date().toISOString().slice(0, 10),
  });
  writeFileSync(values.out, markdown);
  console.error(`report.ts: wrote ${values.out}`);
}

main();

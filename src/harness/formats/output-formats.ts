/**
 * `--format NAME[:PATH]`, repeatable. A format without a path goes to reports/conformance.<ext>
 * (relative to the working directory).
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { UsageError } from '../exit-codes.js';
import type { ConformanceReport } from '../report.js';
import { renderHtml } from './html.js';
import { renderJson } from './json.js';
import { renderJunit } from './junit.js';
import { renderMarkdown } from './markdown.js';

const FORMATS = {
  junit: { ext: 'xml', render: renderJunit },
  json: { ext: 'json', render: renderJson },
  html: { ext: 'html', render: renderHtml },
  markdown: { ext: 'md', render: renderMarkdown },
} as const;

export type FormatName = keyof typeof FORMATS;
export const FORMAT_NAMES = Object.keys(FORMATS) as FormatName[];

export interface FormatSpec {
  readonly format: FormatName;
  readonly file: string;
}

export function parseFormatSpec(spec: string): FormatSpec {
  const colon = spec.indexOf(':');
  const name = colon === -1 ? spec : spec.slice(0, colon);
  const file = colon === -1 ? '' : spec.slice(colon + 1);
  if (!(name in FORMATS)) throw new UsageError(`unknown report format "${name}" (expected ${FORMAT_NAMES.join(', ')})`);
  const format = name as FormatName;
  if (colon !== -1 && file === '') throw new UsageError(`--format ${spec}: the path after ":" is empty`);
  return { format, file: file || path.join('reports', `conformance.${FORMATS[format].ext}`) };
}

export function renderFormat(format: FormatName, report: ConformanceReport): string {
  return FORMATS[format].render(report);
}

export async function writeReports(specs: readonly FormatSpec[], report: ConformanceReport, cwd: string): Promise<string[]> {
  const written: string[] = [];
  for (const spec of specs) {
    const file = path.resolve(cwd, spec.file);
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, renderFormat(spec.format, report));
    written.push(spec.file);
  }
  return written;
}

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { renderConsole } from './formats/console.js';
import { parseFormatSpec, renderFormat, type FormatName } from './formats/output-formats.js';
import type { ConformanceReport } from './report.js';
import { startBrokenServer, type TestServer } from './testing/broken-server.js';
import { hostArgs, runCli, TEST_SUITE } from './testing/cli-runner.js';
import { schemaKeywords, SUPPORTED_KEYWORDS, validate, type Schema } from './testing/json-schema-lite.js';
import { normaliseReport } from './testing/normalise-report.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const GOLDEN = path.join(here, 'testing', 'golden');
const SCHEMA = path.join(here, '..', '..', 'docs', 'conformance-report-schema.json');

/** Compares with a golden file; UPDATE_GOLDEN=1 rewrites it instead. */
async function expectGolden(name: string, actual: string): Promise<void> {
  const file = path.join(GOLDEN, name);
  if (process.env.UPDATE_GOLDEN === '1') await writeFile(file, actual);
  expect(actual).toBe(await readFile(file, 'utf8'));
}

describe('report formats', () => {
  let server: TestServer;
  let dir: string;
  let report: ConformanceReport;
  let cli: { code: number; stdout: string };

  beforeAll(async () => {
    // Every verdict at once: FAIL (stuffing), WARN (NOOP; UIDL unadvertised), SKIP (bundled), NOT-ADVERTISED (TOP).
    server = await startBrokenServer(['no-byte-stuffing', 'noop-fails', 'hide-uidl', 'no-top']);
    dir = await mkdtemp(path.join(os.tmpdir(), 'popcheck-formats-'));
    cli = await runCli(
      [...TEST_SUITE, ...hostArgs(server.port), '--fixtures', `maildir:${dir}`, '--destructive', '--format', 'json', '--format', 'junit:out/c.xml', '--format', 'html', '--format', 'markdown:c.md'],
      { cwd: dir },
    );
    report = normaliseReport(JSON.parse(await readFile(path.join(dir, 'reports', 'conformance.json'), 'utf8')) as ConformanceReport);
  });
  afterAll(async () => {
    await server.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('writes each --format to its path, or to reports/conformance.<ext>', () => {
    expect(cli.code).toBe(1);
    for (const f of ['reports/conformance.json', 'out/c.xml', 'reports/conformance.html', 'c.md']) {
      expect(existsSync(path.join(dir, f)), f).toBe(true);
      expect(cli.stdout).toContain(`report written: ${f}`);
    }
  });

  it('covers every verdict', () => {
    const t = report.totals;
    expect([t.PASS, t.FAIL, t.WARN, t.SKIP, t.notAdvertised, t.ERROR]).toEqual([5, 1, 2, 1, 1, 0]);
  });

  it.each<[FormatName | 'console', string]>([
    ['json', 'report.json'],
    ['junit', 'report.xml'],
    ['html', 'report.html'],
    ['markdown', 'report.md'],
    ['console', 'report.txt'],
  ])('%s matches its golden file', async (format, golden) => {
    await expectGolden(golden, format === 'console' ? renderConsole(report) : renderFormat(format, report));
  });

  it('the JSON is versioned and valid against the committed schema', async () => {
    const schema = JSON.parse(await readFile(SCHEMA, 'utf8')) as Schema;
    expect([...schemaKeywords(schema)].filter((k) => !SUPPORTED_KEYWORDS.has(k))).toEqual([]);
    const raw = JSON.parse(await readFile(path.join(dir, 'reports', 'conformance.json'), 'utf8')) as ConformanceReport;
    expect(raw.schemaVersion).toBe(1);
    expect(validate(raw, schema)).toEqual([]);
    // The validator does catch mistakes.
    expect(validate({ ...raw, schemaVersion: 2, scenarios: [{ ...raw.scenarios[0], verdict: 'MAYBE' }] }, schema)).toEqual([
      '$.schemaVersion: expected 1',
      expect.stringContaining('$.scenarios[0].verdict: expected one of'),
    ]);
  });

  it('the HTML is one self-contained file', () => {
    const html = renderFormat('html', report);
    expect(html).not.toMatch(/<(script|link|img|iframe)\b/i);
    expect(html).not.toMatch(/\b(src|href)=/i);
    expect(html).toContain('<style>');
  });

  it('the JUnit XML escapes what it must and drops what XML cannot carry', () => {
    const tricky = { ...report, scenarios: [{ ...report.scenarios[0]!, verdict: 'FAIL' as const, name: 'a <b> & "c"', message: 'bell \u0007 ]]> end' }] };
    const xml = renderFormat('junit', tricky);
    expect(xml).toContain('name="a &lt;b&gt; &amp; &quot;c&quot;"');
    expect(xml).toContain('bell \ufffd ]]&gt; end');
  });

  it('parses --format specs', () => {
    expect(parseFormatSpec('junit')).toEqual({ format: 'junit', file: path.join('reports', 'conformance.xml') });
    expect(parseFormatSpec('markdown:x/y.md')).toEqual({ format: 'markdown', file: 'x/y.md' });
    expect(() => parseFormatSpec('json:')).toThrow(/path after ":" is empty/);
  });
});

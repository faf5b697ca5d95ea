import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { renderConsole } from './formats/console.js';
import { parseFormatSpec, renderFormat, type FormatName } from './formats/output-formats.js';
import { decideExit } from './gate.js';
import { buildReport, type ConformanceReport } from './report.js';
import { startBrokenServer, type TestServer } from './testing/broken-server.js';
import { hostArgs, runCli, TEST_SUITE } from './testing/cli-runner.js';
import { fakeResult } from './testing/fake-results.js';
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

  it('console: a failure the baseline accepts is one line, a regression keeps its evidence; totals in Cucumber words', () => {
    const failed = report.scenarios.find((s) => s.verdict === 'FAIL')!;
    const full = renderConsole(report);
    expect(full).toContain('Failures (1)');
    expect(full).toMatch(/^   transcript/m);
    expect(full).toMatch(/^10 scenarios \(1 failed, 2 skipped, 7 passed\)$/m);
    const waived = renderConsole({ ...report, baseline: { file: 'b.json', regressions: [], knownFailures: [], waived: [failed.id] } });
    expect(waived).not.toContain('Failures (1)');
    expect(waived).not.toMatch(/^   transcript/m);
    expect(waived).toContain(`Failures the baseline accepts (1;`);
    expect(waived).toContain(`  FAIL  ${failed.name}  (${failed.uri}:${failed.line})`);
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

describe('the per-RFC table', () => {
  it('lists RFC 1939, 2449, 2595, 5034, 3206, 8314, 4616, 2195, 7677 in that order, then other RFCs, the manager, untagged', async () => {
    const tagged: Array<[string, string[]]> = [
      ['untagged', ['@MUST']],
      ['manager', ['@manager', '@sec-5.1', '@MUST']],
      ['manager should', ['@manager', '@sec-4.7', '@SHOULD']],
      ['stls', ['@rfc2595', '@sec-4', '@MUST']],
      ['scram', ['@rfc7677', '@rfc5034', '@MUST']],
      ['cram', ['@rfc2195', '@MUST']],
      ['plain', ['@rfc4616', '@MUST']],
      ['implicit', ['@rfc8314', '@SHOULD']],
      ['codes', ['@rfc3206', '@MUST']],
      ['auth', ['@rfc5034', '@sec-4', '@MUST']],
      ['auth may', ['@rfc5034', '@MAY']],
      ['capa', ['@rfc2449', '@MUST']],
      ['some other rfc', ['@rfc6186', '@MAY']],
      ['base', ['@rfc1939', '@MUST']],
      ['base should', ['@rfc1939', '@SHOULD']],
    ];
    const scenarios = tagged.map(([name, tags], i) => fakeResult(name, i % 3 === 0 ? 'FAIL' : 'PASS', undefined, tags));
    const report = buildReport({
      version: '0.0.0-test',
      world: { host: '127.0.0.1', port: 11000, tls: 'stls', tlsInsecure: true, account: { user: 'alice', pass: 'x' }, fixtures: { kind: 'none' }, destructive: false, bundled: true, timeoutMs: 1000 },
      tags: '',
      strict: false,
      parallel: 0,
      startedAt: new Date(0),
      finishedAt: new Date(1000),
      scenarios,
      harnessErrors: [],
      gate: decideExit({ scenarios, harnessErrors: [] }),
    });
    expect(report.summary.map((r) => r.rfc)).toEqual([
      'RFC 1939', 'RFC 1939', 'RFC 2449', 'RFC 2595', 'RFC 5034', 'RFC 5034', 'RFC 3206', 'RFC 8314', 'RFC 4616', 'RFC 2195', 'RFC 7677', 'RFC 6186',
      'popcheck-manager/1', 'popcheck-manager/1', 'no RFC tag',
    ]);
    const text = renderConsole(report);
    await expectGolden('report-groups.txt', text.slice(0, text.indexOf('Failures')));
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { EXIT } from './exit-codes.js';
import type { ConformanceReport } from './report.js';
import { startBrokenServer, type TestServer } from './testing/broken-server.js';
import { hostArgs, runCli, TEST_SUITE } from './testing/cli-runner.js';

describe('against a server that breaks a MUST', () => {
  let lowercase: TestServer;
  let noStuffing: TestServer;
  let dir: string;

  beforeAll(async () => {
    [lowercase, noStuffing] = await Promise.all([startBrokenServer(['lowercase-ok']), startBrokenServer(['no-byte-stuffing'])]);
    dir = await mkdtemp(path.join(os.tmpdir(), 'popcheck-must-'));
  });
  afterAll(async () => {
    await Promise.all([lowercase.close(), noStuffing.close()]);
    await rm(dir, { recursive: true, force: true });
  });

  it('fails the run and names the requirement, the file, the message and the wire bytes (no byte-stuffing)', async () => {
    const json = path.join(dir, 'stuffing.json');
    const r = await runCli([...TEST_SUITE, ...hostArgs(noStuffing.port), '--fixtures', `maildir:${dir}`, '--format', `json:${json}`]);
    expect(r.code).toBe(EXIT.mustFailed);
    const block = r.stdout.slice(r.stdout.indexOf('Failures (1)'));
    expect(block).toContain('1. FAIL  RETR byte-stuffs lines that start with a dot');
    expect(block).toContain('at src/harness/testing/features/retrieval.feature:5  (RFC 1939 §7 MUST)');
    expect(block).toContain('requirements: 1939-RETR-3');
    expect(block).toContain('failed at: Then the body is test message 1');
    expect(block).toContain('| RETR must byte-stuff lines that start with "." (RFC 1939 §3): got "Subject: one');
    // The transcript shows the unstuffed line exactly as the server sent it.
    expect(block).toContain('S: .hidden line starting with a dot\\r\\n');

    const report = JSON.parse(await readFile(json, 'utf8')) as ConformanceReport;
    const failed = report.scenarios.filter((s) => s.verdict === 'FAIL');
    expect(failed.map((s) => s.requirements)).toEqual([['1939-RETR-3']]);
    expect(report.exitCode).toBe(EXIT.mustFailed);
  });

  it('reports every scenario hit by a broken status indicator ("+ok")', async () => {
    const r = await runCli([...TEST_SUITE, ...hostArgs(lowercase.port)]);
    expect(r.code).toBe(EXIT.mustFailed);
    expect(r.stdout).toContain('requirements: 1939-STATUS-1');
    expect(r.stdout).toContain('status indicator in wrong case');
    expect(r.stdout).toContain('S: +ok test server ready\\r\\n');
  });
});

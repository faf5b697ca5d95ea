/**
 * Issue 8, brute force: the per-address auth penalty (src/auth/auth-penalty.ts) holds under 1,000
 * attempts. With --auth-delay 50 --auth-max-failures 6: attempt k waits 50 * 2^(k-2) ms (0, 50,
 * 100, 200, 400, 800 ms for k = 1..6, counted from the previous failure); after the 6th failure the
 * address is refused with -ERR [SYS/TEMP] without any credentials check, the right password
 * included, for every one of the remaining 994 attempts, over new connections too; another
 * address is not affected.
 */
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import { Pop3Client, type ResponseLine } from '../../src/client/pop3-client.js';
import { deliver, makeMaildir, message } from './support/maildir.js';
import { expectOk } from './support/pop3.js';
import { percentile, record, round } from './support/report.js';
import { ServerProcess } from './support/server-process.js';

const build = inject('popcheckBuild');
const HOST = '127.0.0.1';
const ATTACKER = '127.0.0.20';
const BYSTANDER = '127.0.0.21';
const BASE_DELAY_MS = 50;
const MAX_FAILURES = 6;
const ATTEMPTS = 1000;
/** Timers fire late, never early; the slack covers a loaded CI machine. */
const LATE_SLACK_MS = 250;
const EARLY_SLACK_MS = 10;

let scratch: string;
let server: ServerProcess;

beforeAll(async () => {
  scratch = await fs.mkdtemp(path.join(os.tmpdir(), 'popcheck-rel-brute-'));
  const root = path.join(scratch, 'mail');
  const dir = await makeMaildir(root, 'alice');
  await deliver(dir, '1700000000.a.rel', message('alice-1'));
  server = await ServerProcess.start({
    build,
    args: ['-u', 'alice:right', '-d', root, '--listen', `${HOST}:0`, '--no-manager', '--metrics-file', path.join(scratch, 'metrics.json'), '--auth-delay', String(BASE_DELAY_MS), '--auth-max-failures', String(MAX_FAILURES)],
  });
});

afterAll(async () => {
  await server?.stop();
  await fs.rm(scratch, { recursive: true, force: true });
});

/** The delay the penalty documents before attempt k (1-based): base * 2^(k-2), none for k = 1. */
const documentedDelay = (k: number): number => (k <= 1 ? 0 : Math.min(15_000, BASE_DELAY_MS * 2 ** (k - 2)));

async function open(localAddress: string): Promise<Pop3Client> {
  const { client, greeting } = await Pop3Client.open({ host: HOST, port: server.port, localAddress, timeoutMs: 20_000 });
  expectOk(greeting, 'greeting');
  return client;
}

/** USER then PASS; the PASS reply and how long it took. */
async function tryPassword(client: Pop3Client, password: string): Promise<{ line: ResponseLine; ms: number }> {
  expectOk(await client.command('USER', 'alice'), 'USER');
  const started = performance.now();
  const line = await client.command('PASS', password);
  return { line, ms: performance.now() - started };
}

it(`holds under ${ATTEMPTS} attempts: delays double as documented, refusals start right after failure ${MAX_FAILURES}`, async () => {
  const results: Array<{ k: number; code: string; ms: number }> = [];
  let client = await open(ATTACKER);
  const started = performance.now();
  for (let k = 1; k <= ATTEMPTS; k++) {
    // Every 100 attempts a new connection: the penalty belongs to the address, not the connection.
    if (k > 1 && k % 100 === 1) {
      expectOk(await client.command('QUIT'), 'QUIT');
      await client.waitForClose();
      client = await open(ATTACKER);
    }
    // Now and then the right password: once locked out, it must be refused like any other.
    const password = k % 250 === 0 || k === MAX_FAILURES + 1 ? 'right' : `wrong-${k}`;
    const { line, ms } = await tryPassword(client, password);
    results.push({ k, code: line.status?.code ?? (line.ok ? 'OK' : 'none'), ms });
  }
  const totalMs = performance.now() - started;
  client.destroy();

  // Attempts 1..6 are checked ([AUTH]), each after its documented delay.
  for (const r of results.slice(0, MAX_FAILURES)) {
    expect(r.code, `attempt ${r.k}`).toBe('AUTH');
    expect(r.ms, `attempt ${r.k} waits ${documentedDelay(r.k)} ms`).toBeGreaterThanOrEqual(documentedDelay(r.k) - EARLY_SLACK_MS);
    expect(r.ms, `attempt ${r.k} waits ${documentedDelay(r.k)} ms`).toBeLessThan(documentedDelay(r.k) + LATE_SLACK_MS);
  }
  // From attempt 7 on, every one is refused without a check, the right password included.
  const refused = results.slice(MAX_FAILURES);
  expect(refused.every((r) => r.code === 'SYS/TEMP')).toBe(true);
  expect(refused.find((r) => r.k === MAX_FAILURES + 1)?.code).toBe('SYS/TEMP');
  // Refusals cost no delay and no credential check.
  const refusedMs = refused.map((r) => r.ms);
  expect(percentile(refusedMs, 99)).toBeLessThan(100);

  // Another address is not affected: the right password works at once.
  const bystander = await open(BYSTANDER);
  const ok = await tryPassword(bystander, 'right');
  expect(ok.line.ok).toBe(true);
  expect(ok.ms).toBeLessThan(LATE_SLACK_MS);
  expectOk(await bystander.command('QUIT'), 'QUIT');
  bystander.destroy();

  // Other mechanisms from the attacker's address are locked out as well.
  const other = await open(ATTACKER);
  const plain = await other.command('AUTH', `PLAIN ${Buffer.from('\0alice\0right').toString('base64')}`);
  expect(plain.text).toMatch(/^-ERR \[SYS\/TEMP\]/);
  other.destroy();

  // Logged (the log is complete once the server has stopped).
  await server.stop();
  const refusedLogs = server.logs().filter((l) => l.msg === 'login refused: too many failures from this address');
  expect(refusedLogs.length).toBe(refused.length + 1); // + the AUTH PLAIN attempt
  record('brute-force', {
    attempts: ATTEMPTS,
    checked: MAX_FAILURES,
    refused: refused.length,
    firstRefusedAttempt: refused[0]!.k,
    delaysMs: results.slice(0, MAX_FAILURES).map((r) => ({ attempt: r.k, documented: documentedDelay(r.k), measured: round(r.ms, 1) })),
    refusedMs: { median: round(percentile(refusedMs, 50)), p99: round(percentile(refusedMs, 99)) },
    totalMs: round(totalMs),
    bystanderLoginMs: round(ok.ms),
  });
}, 120_000);

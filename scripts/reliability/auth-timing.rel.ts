/**
 * Issue 8, user enumeration: an unknown user and a wrong password are indistinguishable in reply
 * bytes and in timing, against a `--users` file with real scrypt hashes (N=2^15, r=8, p=1, written
 * by `popcheck passwd`) and the penalty off (--auth-delay 0 --auth-max-failures 0) so that only the
 * credential check is measured. The two kinds of attempt are interleaved on one connection, so
 * drift (CPU frequency, other load) hits both alike.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import { Pop3Client } from '../../src/client/pop3-client.js';
import { deliver, makeMaildir, message } from './support/maildir.js';
import { expectOk } from './support/pop3.js';
import { REPO_ROOT } from './support/paths.js';
import { percentile, record, round } from './support/report.js';
import { ServerProcess } from './support/server-process.js';

const build = inject('popcheckBuild');
const HOST = '127.0.0.1';
const ATTEMPTS = Number(process.env.REL_TIMING_ATTEMPTS ?? 200);
const WARM_UP = 10;
/** The medians may differ by less than this fraction (a generous bound: scrypt dominates both). */
const MAX_MEDIAN_GAP = 0.25;

let scratch: string;
let usersFile: string;
let server: ServerProcess;

/** `popcheck passwd --users FILE --add USER --password-stdin`, as documented. */
async function passwd(file: string, user: string, password: string): Promise<void> {
  const child = spawn('npx', ['tsx', 'src/cli/popcheck.ts', 'passwd', '--users', file, '--add', user, '--password-stdin'], { cwd: REPO_ROOT, stdio: ['pipe', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  child.stdin.end(`${password}\n`);
  const [code] = (await once(child, 'exit')) as [number | null];
  if (code !== 0) throw new Error(`popcheck passwd failed (${code}): ${out}`);
}

beforeAll(async () => {
  scratch = await fs.mkdtemp(path.join(os.tmpdir(), 'popcheck-rel-timing-'));
  const root = path.join(scratch, 'mail');
  usersFile = path.join(scratch, 'users');
  for (const u of ['alice', 'bob']) {
    await passwd(usersFile, u, `${u}-correct-horse`);
    await deliver(await makeMaildir(root, u), '1700000000.a.rel', message(`${u}-1`));
  }
  server = await ServerProcess.start({
    build,
    args: ['--users', usersFile, '-d', root, '--listen', `${HOST}:0`, '--no-manager', '--metrics-file', path.join(scratch, 'metrics.json'), '--auth-delay', '0', '--auth-max-failures', '0'],
  });
}, 60_000);

afterAll(async () => {
  await server?.stop();
  await fs.rm(scratch, { recursive: true, force: true });
});

it(`unknown user and wrong password: identical replies, medians within ${MAX_MEDIAN_GAP * 100}% (${ATTEMPTS} attempts each)`, async () => {
  expect(await fs.readFile(usersFile, 'utf8')).toMatch(/^alice:\{SCRYPT\}N=32768,r=8,p=1\$/m);
  const { client, greeting } = await Pop3Client.open({ host: HOST, port: server.port, timeoutMs: 10_000 });
  expectOk(greeting, 'greeting');
  const times = { unknown: [] as number[], wrong: [] as number[] };
  const replies = { unknown: new Set<string>(), wrong: new Set<string>() };
  const userReplies = new Set<string>();
  const one = async (kind: 'unknown' | 'wrong', i: number, keep: boolean): Promise<void> => {
    // Unknown names vary (no cache of one name can help); the wrong passwords vary too.
    const user = kind === 'unknown' ? `nobody${i}` : i % 2 === 0 ? 'alice' : 'bob';
    const u = await client.command('USER', user);
    userReplies.add(u.raw.toString('latin1'));
    const started = performance.now();
    const p = await client.command('PASS', `guess-${i}-${kind}`);
    const ms = performance.now() - started;
    if (!keep) return;
    times[kind].push(ms);
    replies[kind].add(p.raw.toString('latin1'));
  };
  for (let i = 0; i < WARM_UP; i++) for (const kind of ['unknown', 'wrong'] as const) await one(kind, i, false);
  for (let i = 0; i < ATTEMPTS; i++) {
    // Alternate which kind goes first, so neither always follows the other.
    const order = i % 2 === 0 ? (['unknown', 'wrong'] as const) : (['wrong', 'unknown'] as const);
    for (const kind of order) await one(kind, i, true);
  }
  expectOk(await client.command('QUIT'), 'QUIT');
  client.destroy();

  // Bytes: one and the same reply for both, and USER said +OK to every name.
  expect([...userReplies]).toEqual(['+OK send PASS\r\n']);
  expect(replies.unknown.size).toBe(1);
  expect([...replies.unknown]).toEqual([...replies.wrong]);
  expect([...replies.wrong][0]).toMatch(/^-ERR \[AUTH\] /);

  const stats = (xs: number[]): Record<string, number> => ({
    p10: round(percentile(xs, 10)),
    median: round(percentile(xs, 50)),
    p90: round(percentile(xs, 90)),
    p99: round(percentile(xs, 99)),
  });
  const mu = percentile(times.unknown, 50);
  const mw = percentile(times.wrong, 50);
  const gap = Math.abs(mu - mw) / Math.min(mu, mw);
  record('unknown-user-vs-wrong-password', {
    attemptsEach: ATTEMPTS,
    reply: [...replies.wrong][0]!.trim(),
    unknownMs: stats(times.unknown),
    wrongPasswordMs: stats(times.wrong),
    medianGap: round(gap, 4),
  });
  expect(gap).toBeLessThan(MAX_MEDIAN_GAP);
}, 240_000);

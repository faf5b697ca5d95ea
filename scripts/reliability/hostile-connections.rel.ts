/**
 * Issue 8, hostile clients: 5,000 idle or slow-drip connections do not slow a normal session, and
 * the global, per-address and per-user connection limits each answer "-ERR [SYS/TEMP]" and close.
 * Against a real `popcheck server` process on a Maildir (support/server-process.ts).
 */
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { Pop3Client } from '../../src/client/pop3-client.js';
import { startDripLoad } from './support/script-process.js';
import { deliver, makeMaildir, message } from './support/maildir.js';
import { expectOk, firstLineAndClose, normalSession } from './support/pop3.js';
import { percentile, record, round } from './support/report.js';
import { ServerProcess } from './support/server-process.js';

const build = inject('popcheckBuild');
const HOST = '127.0.0.1';
const HOSTILE = 5000;
/** Source addresses of the hostile connections: 1,000 each, under the default 2,000 per address. */
const SOURCES = ['127.0.0.2', '127.0.0.3', '127.0.0.4', '127.0.0.5', '127.0.0.6'];
/** A functional bound, not a benchmark: a normal session normally takes a few milliseconds. */
const SESSION_BOUND_MS = 2000;
const OPEN_FILES = 20_000;

let scratch: string;

beforeAll(async () => {
  scratch = await fs.mkdtemp(path.join(os.tmpdir(), 'popcheck-rel-conn-'));
});

afterAll(async () => {
  await fs.rm(scratch, { recursive: true, force: true });
});

async function mailRoot(name: string): Promise<string> {
  const root = path.join(scratch, name);
  for (const user of ['alice', 'bob', 'carol']) {
    const dir = await makeMaildir(root, user);
    for (let i = 1; i <= 3; i++) await deliver(dir, `${1_700_000_000 + i}.m${i}.rel`, message(`${user}-${i}`, 20));
  }
  return root;
}

async function sessions(n: number, user: string): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < n; i++) times.push((await normalSession({ host: HOST, port: server!.port, user, pass: 'pw' })).ms);
  return times;
}

let server: ServerProcess | undefined;

describe('5,000 idle and slow-drip connections', () => {
  afterAll(async () => {
    await server?.stop();
    server = undefined;
  });

  it('hold 5,000 connections (one octet per second on half of them) while a normal session still completes within 2 s', async () => {
    const root = await mailRoot('load');
    // Default limits: 20,000 connections, 2,000 per address (the load comes from 5 addresses).
    server = await ServerProcess.start({
      build,
      args: ['-u', 'alice:pw', '-u', 'bob:pw', '-u', 'carol:pw', '-d', root, '--listen', `${HOST}:0`, '--no-manager', '--metrics-file', path.join(scratch, 'load-metrics.json')],
      openFiles: OPEN_FILES,
    });
    const limit = server.openFilesLimit();
    expect(limit, 'the server needs an open-files limit above 5,000 (ulimit -n)').toBeGreaterThan(HOSTILE + 100);

    await sessions(3, 'alice'); // warm-up: JIT, the maildrop state file, the first scrypt-free login path
    const rssBefore = server.rssKb();
    const baseline = await sessions(10, 'alice');
    const fdsBefore = server.fdCount();

    server.resetPeak();
    const load = startDripLoad(
      { host: HOST, port: server.port, count: HOSTILE, sources: SOURCES, dripShare: 0.5, dripMs: 12_000, tickMs: 50, connectConcurrency: 100, selfTimeoutMs: 120_000 },
      OPEN_FILES,
    );
    let during: number[] = [];
    let rssDuring = 0;
    let fdsDuring = 0;
    let dripped: Record<string, unknown> = {};
    let ready: Record<string, unknown> = {};
    try {
      ready = await load.next('ready', 60_000);
      expect(ready).toMatchObject({ open: HOSTILE, refused: 0, errors: 0 });
      fdsDuring = server.fdCount();
      expect(fdsDuring).toBeGreaterThanOrEqual(HOSTILE);

      // Measured while the drip runs (it lasts 12 s; these sessions take well under a second).
      during = await sessions(10, 'alice');
      during.push(...(await sessions(10, 'bob')));
      expect(load.seen('dripped'), 'the sessions ran while the drip was still going').toBe(false);
      rssDuring = server.rssKb();

      dripped = await load.next('dripped', 60_000);
      // Nothing closed the hostile connections: they were held for the whole drip, not shed.
      expect(dripped).toMatchObject({ closedByServer: 0, open: HOSTILE });
    } finally {
      await load.end();
    }
    const peakDuring = server.peakKb();
    // Every hostile connection is closed on the server side too: the slots come back.
    await server.waitUntil(() => server!.fdCount() <= fdsBefore + 5, 'the 5,000 descriptors released', 30_000);
    const after = await sessions(10, 'alice');
    const rssAfter = server.rssKb();

    for (const ms of [...during, ...after]) expect(ms).toBeLessThan(SESSION_BOUND_MS);
    record('idle-and-drip-connections', {
      connectionsHeld: ready.open,
      openMs: ready.ms,
      dripOctets: dripped.octets,
      closedByServer: dripped.closedByServer,
      serverOpenFilesLimit: limit,
      serverFdsDuring: fdsDuring,
      sessionMs: {
        before: { median: round(percentile(baseline, 50)), max: round(Math.max(...baseline)) },
        during: { n: during.length, median: round(percentile(during, 50)), p90: round(percentile(during, 90)), max: round(Math.max(...during)) },
        after: { median: round(percentile(after, 50)), max: round(Math.max(...after)) },
      },
      rssKb: { before: rssBefore, during: rssDuring, peakDuring, after: rssAfter, perHostileConnectionKb: round((peakDuring - rssBefore) / HOSTILE) },
    });
  });
});

describe('connection limits answer -ERR [SYS/TEMP] and close', () => {
  const held: Pop3Client[] = [];
  let limited: ServerProcess | undefined;
  let idleFds = 0;

  beforeAll(async () => {
    const root = await mailRoot('limits');
    limited = await ServerProcess.start({
      build,
      args: [
        ...['-u', 'alice:pw', '-u', 'bob:pw', '-u', 'carol:pw', '-d', root, '--listen', `${HOST}:0`, '--no-manager', '--metrics-file', path.join(scratch, 'limits-metrics.json')],
        ...['--max-connections', '12', '--max-connections-per-address', '4', '--max-sessions-per-user', '3'],
      ],
    });
    idleFds = limited.fdCount();
  });

  afterAll(async () => {
    for (const c of held) c.destroy();
    await limited?.stop();
  });

  async function hold(localAddress: string): Promise<Pop3Client> {
    const { client, greeting } = await Pop3Client.open({ host: HOST, port: limited!.port, localAddress, timeoutMs: 5000 });
    expectOk(greeting, `greeting for ${localAddress}`);
    held.push(client);
    return client;
  }

  /** Waits until the server holds no more sessions than we do (it has seen every close). */
  async function settle(): Promise<void> {
    await limited!.waitUntil(() => limited!.fdCount() <= idleFds + held.length, `the server down to our ${held.length} sessions`, 10_000);
  }

  async function releaseAll(): Promise<void> {
    for (const c of held.splice(0)) c.destroy();
    await settle();
  }

  function release(client: Pop3Client): Promise<void> {
    client.destroy();
    held.splice(held.indexOf(client), 1);
    return Promise.resolve();
  }

  /** A new connection from this address, retried until the server has seen a slot freed (bounded). */
  async function acceptedAgain(localAddress: string): Promise<Pop3Client> {
    // The server frees the slot when it sees the close; each attempt waits for a reply, never sleeps.
    for (let attempt = 1; attempt <= 50; attempt++) {
      const { client, greeting } = await Pop3Client.open({ host: HOST, port: limited!.port, localAddress, timeoutMs: 5000 });
      if (greeting.ok) {
        held.push(client);
        return client;
      }
      client.destroy();
    }
    throw new Error(`no slot for ${localAddress} after 50 attempts`);
  }

  it('per address: the 5th connection from 127.0.0.7 is refused, another address is not', async () => {
    const mine = [];
    for (let i = 0; i < 4; i++) mine.push(await hold('127.0.0.7'));
    const refused = await firstLineAndClose(HOST, limited!.port, '127.0.0.7');
    expect(refused.line).toMatch(/^-ERR \[SYS\/TEMP\] /);
    expect(refused.closed).toBe(true);
    // The limit is per address: 127.0.0.8 still gets in.
    const other = await hold('127.0.0.8');
    await release(other);
    // A slot freed is a slot usable again.
    await release(mine.pop()!);
    await acceptedAgain('127.0.0.7');
    await settle();
  });

  it('global: with 12 connections open, the 13th is refused whatever its address', async () => {
    // 4 from .7 are held; 8 more from four addresses, two each.
    for (const a of ['127.0.0.9', '127.0.0.10', '127.0.0.11', '127.0.0.12']) for (let i = 0; i < 2; i++) await hold(a);
    expect(held.length).toBe(12);
    const refused = await firstLineAndClose(HOST, limited!.port, '127.0.0.13');
    expect(refused.line).toMatch(/^-ERR \[SYS\/TEMP\] /);
    expect(refused.closed).toBe(true);
    await release(held[held.length - 1]!);
    await acceptedAgain('127.0.0.13');
    await releaseAll();
  });

  it('per user: the 4th session naming alice is refused at USER and closed, bob is not', async () => {
    const sessions: Pop3Client[] = [];
    for (let i = 0; i < 3; i++) {
      const c = await hold(`127.0.1.${i + 1}`);
      expectOk(await c.command('USER', 'alice'), 'USER alice');
      sessions.push(c);
    }
    const fourth = await hold('127.0.1.9');
    const line = await fourth.command('USER', 'alice');
    expect(line.text).toMatch(/^-ERR \[SYS\/TEMP\] /);
    await fourth.waitForClose(5000);
    // Another user is not affected.
    const bob = await hold('127.0.1.10');
    expectOk(await bob.command('USER', 'bob'), 'USER bob');
    // One alice session ends: alice can be named again.
    await release(sessions.pop()!);
    let again: Pop3Client | undefined;
    for (let attempt = 1; attempt <= 50 && again === undefined; attempt++) {
      const c = await hold('127.0.1.11');
      const u = await c.command('USER', 'alice');
      if (u.ok) again = c;
      else await c.waitForClose(5000);
    }
    expect(again).toBeDefined();
    expectOk(await again!.command('PASS', 'pw'), 'PASS');
    await releaseAll();
  });

  it('logged every refusal (checked once the server has stopped and flushed its log)', async () => {
    const exit = await limited!.stop();
    expect(exit.code).toBe(0);
    const messages = limited!.logs().map((l) => String(l.msg));
    expect(messages).toContain('connection refused: too many connections from your address');
    expect(messages).toContain('connection refused: too many connections');
    expect(messages).toContain('refused: too many sessions for this user');
    for (const l of limited!.logs().filter((x) => String(x.msg).includes('refused'))) expect(l.level).toBe(40); // warn
  });
});

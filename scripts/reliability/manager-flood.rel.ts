/**
 * Issue 8, management plane (docs/manager-protocol.txt): unauthenticated, forged, stale, replayed,
 * oversized and flooding datagrams change nothing (the users file keeps its bytes, the settings and
 * counters stay as they were: the protocol has no drop counters, so every counter must be exactly
 * what the one POP3 session run meanwhile explains), refusals are rate limited and never larger
 * than what they answer, and a POP3 session completes during the flood.
 */
import { randomBytes } from 'node:crypto';
import dgram from 'node:dgram';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import { ManagerClient, signRequest } from '../../src/manager/client.js';
import { MAX_REQUEST_OCTETS, UNAUTH_REPLIES_PER_SECOND_OVERALL, UNAUTH_REPLY_BURST_OVERALL } from '../../src/manager/limits.js';
import { readTokenFile } from '../../src/manager/token.js';
import { deliver, makeMaildir, message } from './support/maildir.js';
import { normalSession } from './support/pop3.js';
import { prng, seedFromEnv } from './support/prng.js';
import { record, round } from './support/report.js';
import { ServerProcess } from './support/server-process.js';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { REPO_ROOT } from './support/paths.js';

const build = inject('popcheckBuild');
const HOST = '127.0.0.1';
const FLOOD_DATAGRAMS = 30_000;
const FLOOD_MAX_MS = 10_000;

let scratch: string;
let usersFile: string;
let server: ServerProcess;
let managerPort: number;
let token: string;
let legit: ManagerClient;

async function passwd(file: string, user: string, password: string): Promise<void> {
  // A low scrypt cost: this test is about the manager, and ADD hashes with the file's own cost anyway.
  const child = spawn('npx', ['tsx', 'src/cli/popcheck.ts', 'passwd', '--users', file, '--add', user, '--password-stdin', '--scrypt-cost', '10'], { cwd: REPO_ROOT, stdio: ['pipe', 'ignore', 'pipe'] });
  let err = '';
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  child.stdin.end(`${password}\n`);
  const [code] = (await once(child, 'exit')) as [number | null];
  if (code !== 0) throw new Error(`popcheck passwd failed (${code}): ${err}`);
}

beforeAll(async () => {
  scratch = await fs.mkdtemp(path.join(os.tmpdir(), 'popcheck-rel-manager-'));
  const root = path.join(scratch, 'mail');
  usersFile = path.join(scratch, 'users');
  await passwd(usersFile, 'alice', 'pw');
  await deliver(await makeMaildir(root, 'alice'), '1700000000.a.rel', message('alice-1', 50));
  const tokenFile = path.join(scratch, 'manager.token');
  server = await ServerProcess.start({
    build,
    args: ['--users', usersFile, '-d', root, '--listen', `${HOST}:0`, '-P', '0', '--manager-token-file', tokenFile, '--metrics-file', path.join(scratch, 'metrics.json'), '--auth-delay', '0'],
  });
  managerPort = Number(/manager listening on [^\s]*:(\d+)/.exec(server.stdout())?.[1]);
  token = await readTokenFile(tokenFile);
  legit = await ManagerClient.connect({ host: HOST, port: managerPort, token });
}, 60_000);

afterAll(async () => {
  legit?.close();
  await server?.stop();
  await fs.rm(scratch, { recursive: true, force: true });
});

async function stats(): Promise<Record<string, number>> {
  const r = await legit.request('STATS');
  expect(r.ok).toBe(true);
  return Object.fromEntries(r.lines!.map((l) => l.split('=')).map(([k, v]) => [k!, Number(v)]));
}

async function settings(): Promise<string[]> {
  const r = await legit.request('GET');
  expect(r.ok).toBe(true);
  return [...r.lines!];
}

async function usersList(): Promise<string[]> {
  const r = await legit.request('USERS');
  expect(r.ok).toBe(true);
  return [...r.lines!];
}

it('forged, stale, replayed, oversized and flooding datagrams change nothing and do not disturb POP3', async () => {
  const rnd = prng(seedFromEnv());
  console.log(`[reliability] manager flood seed ${rnd.seed} (REL_SEED=${rnd.seed} replays it)`);

  // A request the attacker "captured": the legit operator adds zed, then removes zed again.
  const captured = signRequest(token, 'ADD zed:captured-password', Date.now());
  expect((await legit.exchange(captured)).ok).toBe(true);
  expect((await legit.request('DEL zed')).ok).toBe(true);
  const capturedDel = signRequest(token, 'DEL alice', Date.now() - 120_000); // stale: two minutes old
  const usersBytes = await fs.readFile(usersFile);
  const usersBefore = await usersList();
  const settingsBefore = await settings();
  const statsBefore = await stats();

  // What the attacker sends: each kind, round-robin, from four sockets (four source ports).
  const wrongToken = 'f'.repeat(64);
  const kinds: Array<{ name: string; make: (i: number) => Buffer }> = [
    { name: 'random octets', make: () => randomBytes(rnd.int(1, MAX_REQUEST_OCTETS)) },
    { name: 'empty', make: () => Buffer.alloc(0) },
    { name: 'malformed header', make: (i) => Buffer.from(`${i} now nomac ADD evil:pw`) },
    { name: 'forged ADD', make: () => signRequest(wrongToken, 'ADD evil:pw', Date.now()).datagram },
    { name: 'forged DEL', make: () => signRequest(wrongToken, 'DEL alice', Date.now()).datagram },
    { name: 'forged STOP', make: () => signRequest(wrongToken, 'STOP', Date.now()).datagram },
    { name: 'forged SET', make: () => signRequest(wrongToken, 'SET transform rm -rf /', Date.now()).datagram },
    { name: 'bad MAC, right id', make: () => Buffer.from(captured.datagram.toString('latin1').replace(/ [0-9a-f]{64} /, ` ${'0'.repeat(64)} `), 'latin1') },
    { name: 'stale but signed DEL', make: () => capturedDel.datagram },
    { name: 'replayed ADD', make: () => captured.datagram },
    { name: 'oversized', make: () => Buffer.alloc(rnd.int(MAX_REQUEST_OCTETS + 1, 8192), 0x41) },
    { name: 'oversized signed', make: () => signRequest(token, `ADD big:${'p'.repeat(600)}`, Date.now()).datagram },
  ];
  const sockets = await Promise.all(
    Array.from({ length: 4 }, async () => {
      const s = dgram.createSocket('udp4');
      await new Promise<void>((resolve) => s.bind(0, HOST, () => resolve()));
      return s;
    }),
  );
  let repliesReceived = 0;
  let replyOctets = 0;
  let okReplies = 0;
  for (const s of sockets) {
    s.on('message', (m) => {
      repliesReceived++;
      replyOctets += m.length;
      if (m.toString('latin1').startsWith('+OK')) okReplies++;
    });
  }

  let sent = 0;
  let sentOctets = 0;
  let pop3Done = false;
  const started = performance.now();
  // At least FLOOD_DATAGRAMS, and on until the POP3 session is over; at most FLOOD_MAX_MS.
  const flood = (async () => {
    while ((sent < FLOOD_DATAGRAMS || !pop3Done) && performance.now() - started < FLOOD_MAX_MS) {
      const batch: Array<Promise<void>> = [];
      for (let j = 0; j < 64; j++, sent++) {
        const d = kinds[sent % kinds.length]!.make(sent);
        sentOctets += d.length;
        const s = sockets[sent % sockets.length]!;
        batch.push(new Promise<void>((resolve) => s.send(d, managerPort, HOST, () => resolve())));
      }
      await Promise.all(batch);
      // UDP sends complete at once (callbacks on the next tick): let this process's POP3 client run.
      await new Promise((resolve) => setImmediate(resolve));
    }
  })();
  // A POP3 session while the flood runs.
  const pop3 = await normalSession({ host: HOST, port: server.port, user: 'alice', pass: 'pw' });
  const pop3DuringFlood = performance.now() - started < FLOOD_MAX_MS;
  const sentDuringPop3 = sent;
  pop3Done = true;
  await flood;
  const floodMs = performance.now() - started;

  // The captured ADD from the operator's own source port (the attacker took it over): the cached
  // reply comes back, nothing runs again.
  const legitPort = (legit as unknown as { socket: dgram.Socket }).socket.address().port;
  legit.close();
  const spoof = dgram.createSocket('udp4');
  await new Promise<void>((resolve) => spoof.bind(legitPort, HOST, () => resolve()));
  // UDP: the flood may still fill the server's receive buffer, so resend as the real client does
  // (spec §10: the same datagram, 1, 2 then 4 s apart).
  const cached = await new Promise<string>((resolve, reject) => {
    const waits = [1000, 2000, 4000];
    let timer: NodeJS.Timeout | undefined;
    const attempt = (): void => {
      const wait = waits.shift();
      if (wait === undefined) return reject(new Error('no reply to the replay from the original port after 3 tries'));
      spoof.send(captured.datagram, managerPort, HOST);
      timer = setTimeout(attempt, wait);
    };
    spoof.once('message', (m) => {
      clearTimeout(timer);
      resolve(m.toString('latin1'));
    });
    attempt();
  });
  spoof.close();
  for (const s of sockets) s.close();
  legit = await ManagerClient.connect({ host: HOST, port: managerPort, token });

  // Nothing changed: users file bytes, user list, settings; the server is still up.
  expect((await fs.readFile(usersFile)).equals(usersBytes)).toBe(true);
  expect(await usersList()).toEqual(usersBefore);
  expect(await settings()).toEqual(settingsBefore);
  expect(server.running).toBe(true);
  expect(cached).toMatch(/^\+OK /); // the reply recorded for the original ADD, replayed from the cache
  // Counters: exactly what the one POP3 session explains (STATS itself is not counted).
  const statsAfter = await stats();
  const delta = (k: string): number => (statsAfter[k] ?? 0) - (statsBefore[k] ?? 0);
  expect(delta('sessions.total')).toBe(1);
  expect(delta('logins')).toBe(1);
  expect(delta('auth.failures')).toBe(0);
  expect(delta('messages.deleted')).toBe(0);
  expect(delta('messages.retrieved')).toBe(1);
  expect(delta('commands.total')).toBe(7); // USER PASS STAT LIST UIDL RETR QUIT, nothing else
  // No authenticated reply went to the attacker, and refusals stayed within the rate limit and
  // never outgrew what they answered.
  expect(okReplies).toBe(0);
  const allowed = UNAUTH_REPLY_BURST_OVERALL + UNAUTH_REPLIES_PER_SECOND_OVERALL * Math.ceil(floodMs / 1000 + 1);
  expect(repliesReceived).toBeLessThanOrEqual(allowed);
  expect(replyOctets).toBeLessThanOrEqual(sentOctets);
  // The POP3 session ran during the flood and was not held up.
  expect(pop3DuringFlood).toBe(true);
  expect(pop3.ms).toBeLessThan(2000);
  // Nothing failed inside the manager (the log is complete once the server has stopped).
  await server.stop();
  expect(server.stderr()).not.toMatch(/manager: request failed|manager: command failed/);
  expect(server.stderr()).toMatch(/manager: request refused/);
  record('manager-flood', {
    seed: rnd.seed,
    datagrams: sent,
    octets: sentOctets,
    kinds: kinds.map((k) => k.name),
    floodMs: round(floodMs),
    repliesToAttacker: repliesReceived,
    replyOctets,
    replyLimit: allowed,
    authenticatedRepliesToAttacker: okReplies,
    pop3SessionMs: round(pop3.ms),
    datagramsDuringPop3: sentDuringPop3,
    usersFileUnchanged: true,
    countersUnchanged: true,
  });
}, 60_000);

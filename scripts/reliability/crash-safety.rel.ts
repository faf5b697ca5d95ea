/**
 * Issue 8, crash safety: a `popcheck server` process on a Maildir is killed with SIGKILL at random
 * moments of UPDATE (a session DELEs some messages and sends QUIT; the kill comes a random 0-12 ms
 * after the QUIT left the client), hundreds of times. After every restart:
 *   - the next login succeeds: the stale lock of the killed process is recovered;
 *   - every message that was never DELE'd is there, byte for byte;
 *   - every DELE'd message is either there, byte for byte, or gone: never half written; and gone
 *     for sure when the killed server had already answered QUIT with +OK;
 *   - the unique-ids of the survivors never change, and no file appears that was not delivered.
 * New mail is delivered between the rounds (tmp/ then rename into new/, as an MTA does).
 *
 * Bounded: MAX_KILLS kills or MAX_MS, whichever comes first. The random moments come from a seeded
 * PRNG; the seed is printed, and REL_SEED=<seed> replays the same choices.
 */
import { promises as fs } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import { deliver, findMessage, makeMaildir, message } from './support/maildir.js';
import { prng, seedFromEnv } from './support/prng.js';
import { record, round } from './support/report.js';
import { ServerProcess } from './support/server-process.js';

const build = inject('popcheckBuild');
const HOST = '127.0.0.1';
const MAX_KILLS = Number(process.env.REL_CRASH_KILLS ?? 300);
const MAX_MS = Number(process.env.REL_CRASH_MS ?? 90_000);
const MAX_DELAY_MS = 12;
/** Messages kept in the maildrop: new mail tops it up to this many before each round. */
const TARGET_MESSAGES = 16;
/** Servers started ahead, so a restart does not wait for node to load (4: ~5 kills/s on two cores). */
const AHEAD = Number(process.env.REL_CRASH_AHEAD ?? 4);

let scratch: string;
let root: string;
let maildir: string;
const pending: Array<Promise<ServerProcess>> = [];
const started: ServerProcess[] = [];

function spawnServer(): Promise<ServerProcess> {
  const p = ServerProcess.start({ build, args: ['-u', 'alice:pw', '-d', root, '--listen', `${HOST}:0`, '--no-manager', '--metrics-file', path.join(scratch, 'metrics.json')] });
  void p.then((s) => started.push(s), () => undefined);
  return p;
}

beforeAll(async () => {
  scratch = await fs.mkdtemp(path.join(os.tmpdir(), 'popcheck-rel-crash-'));
  root = path.join(scratch, 'mail');
  maildir = await makeMaildir(root, 'alice');
});

afterAll(async () => {
  for (const p of pending) void p.then((s) => s.kill(), () => undefined);
  await Promise.all(started.map((s) => s.kill()));
  await fs.rm(scratch, { recursive: true, force: true });
});

/** A POP3 line reader over a raw socket (so the kill can land between any two octets). */
class Wire {
  private buf = '';
  private wake: (() => void) | undefined;
  closed = false;
  constructor(readonly socket: net.Socket) {
    socket.on('data', (d: Buffer) => {
      this.buf += d.toString('latin1');
      this.wake?.();
    });
    socket.on('close', () => {
      this.closed = true;
      this.wake?.();
    });
    socket.on('error', () => undefined);
  }
  static connect(port: number): Promise<Wire> {
    return new Promise((resolve, reject) => {
      const s = net.connect({ host: HOST, port }, () => resolve(new Wire(s)));
      s.once('error', reject);
    });
  }
  /** Everything received so far and not yet taken. */
  get received(): string {
    return this.buf;
  }
  async line(timeoutMs = 10_000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const i = this.buf.indexOf('\r\n');
      if (i !== -1) {
        const l = this.buf.slice(0, i);
        this.buf = this.buf.slice(i + 2);
        return l;
      }
      if (this.closed) throw new Error('connection closed while waiting for a line');
      if (Date.now() > deadline) throw new Error('no line in time');
      await new Promise<void>((resolve) => {
        this.wake = resolve;
        setTimeout(resolve, 200).unref();
      });
    }
  }
  async multi(): Promise<string[]> {
    const lines: string[] = [];
    for (;;) {
      const l = await this.line();
      if (l === '.') return lines;
      lines.push(l.startsWith('..') ? l.slice(1) : l);
    }
  }
  async command(text: string): Promise<string> {
    this.socket.write(`${text}\r\n`);
    return this.line();
  }
}

interface Msg {
  readonly id: string;
  readonly name: string;
  readonly content: Buffer;
  uid?: string;
  /** never DELE'd / DELE'd in a killed session (may be gone) / surely gone */
  state: 'live' | 'maybe' | 'gone';
}

it(`SIGKILL during UPDATE, up to ${MAX_KILLS} times: no message lost or torn, ids stable, stale locks recovered`, async () => {
  const rnd = prng(seedFromEnv());
  console.log(`[reliability] crash test seed ${rnd.seed} (REL_SEED=${rnd.seed} replays its choices)`);
  const msgs = new Map<string, Msg>();
  const byName = new Map<string, Msg>();
  let nextId = 1;
  let clock = 1_700_000_000;
  const topUp = async (): Promise<number> => {
    let n = 0;
    while ([...msgs.values()].filter((m) => m.state !== 'gone').length < TARGET_MESSAGES) {
      const id = `rel-${nextId++}`;
      const name = `${clock++}.${id}.reliability`;
      // Sizes vary (a few lines to ~40 KB), so UPDATE and the size measurement take varying time.
      const content = message(id, rnd.int(1, 600), 'x'.repeat(rnd.int(0, 60)));
      await deliver(maildir, name, content);
      const m: Msg = { id, name, content, state: 'live' };
      msgs.set(id, m);
      byName.set(name, m);
      n++;
    }
    return n;
  };

  const stats = { kills: 0, killsBeforeQuitReply: 0, killsAfterQuitReply: 0, staleLocksFound: 0, delivered: 0, deleted: 0, confirmedGone: 0, dropped: 0, survivedDeletes: 0, lost: 0, torn: 0, uidChanges: 0, strangers: 0 };
  const problems: string[] = [];

  /** Checks the maildrop on disk and over POP3 (after a restart); returns the session, logged in. */
  const verify = async (server: ServerProcess, round: number): Promise<Wire> => {
    // 1. Disk: every file is one we delivered, byte for byte; every live message is there.
    for (const sub of ['new', 'cur']) {
      for (const name of await fs.readdir(path.join(maildir, sub))) {
        const base = name.split(':')[0]!;
        const m = byName.get(base);
        if (!m) {
          stats.strangers++;
          problems.push(`round ${round}: unexpected file ${sub}/${name}`);
          continue;
        }
        const content = await fs.readFile(path.join(maildir, sub, name));
        if (!content.equals(m.content)) {
          stats.torn++;
          problems.push(`round ${round}: ${m.id} differs from what was delivered (${content.length} vs ${m.content.length} octets)`);
        }
        if (m.state === 'gone') problems.push(`round ${round}: ${m.id} came back after its removal was confirmed`);
      }
    }
    for (const m of msgs.values()) {
      const where = await findMessage(maildir, m.name);
      if (m.state === 'live' && where === undefined) {
        stats.lost++;
        problems.push(`round ${round}: ${m.id} was never deleted and is gone`);
      }
      if (m.state === 'maybe') {
        // The killed server removed it, or had not yet: either way it is settled now. A survivor is
        // an ordinary message again, and must not disappear later without a new DELE.
        if (where === undefined) stats.dropped++;
        else stats.survivedDeletes++;
        m.state = where === undefined ? 'gone' : 'live';
      }
    }
    // 2. POP3: the login succeeds (the killed server's lock is stale and must be broken).
    const wire = await Wire.connect(server.port);
    const greeting = await wire.line();
    if (!greeting.startsWith('+OK')) throw new Error(`round ${round}: greeting ${greeting}`);
    await wire.command('USER alice');
    const pass = await wire.command('PASS pw');
    if (!pass.startsWith('+OK')) throw new Error(`round ${round}: login after the restart failed: ${pass}`);
    // 3. Unique-ids: the same message keeps its id across every crash; new ones are learnt via TOP.
    wire.socket.write('UIDL\r\n');
    if (!(await wire.line()).startsWith('+OK')) throw new Error('UIDL failed');
    const listing = (await wire.multi()).map((l) => l.split(' ') as [string, string]);
    const known = new Map([...msgs.values()].filter((m) => m.uid).map((m) => [m.uid!, m]));
    for (const [n, uid] of listing) {
      let m = known.get(uid);
      if (!m) {
        wire.socket.write(`TOP ${n} 0\r\n`);
        if (!(await wire.line()).startsWith('+OK')) throw new Error('TOP failed');
        const id = /^X-Rel-Id: (\S+)$/m.exec((await wire.multi()).join('\n'))?.[1];
        m = id === undefined ? undefined : msgs.get(id);
        if (!m) {
          problems.push(`round ${round}: uid ${uid} names no delivered message`);
          continue;
        }
        if (m.uid !== undefined && m.uid !== uid) {
          stats.uidChanges++;
          problems.push(`round ${round}: ${m.id} changed its unique-id from ${m.uid} to ${uid}`);
        }
        m.uid = uid;
      }
      if (m.state === 'gone') problems.push(`round ${round}: ${m.id} is listed after its removal was confirmed`);
    }
    const listed = new Set(listing.map(([, uid]) => uid));
    for (const m of msgs.values()) if (m.state === 'live' && m.uid !== undefined && !listed.has(m.uid)) problems.push(`round ${round}: ${m.id} (${m.uid}) not listed`);
    return wire;
  };

  for (let i = 0; i < AHEAD; i++) pending.push(spawnServer());
  const t0 = performance.now();
  let roundNo = 0;
  while (stats.kills < MAX_KILLS && performance.now() - t0 < MAX_MS) {
    roundNo++;
    stats.delivered += await topUp();
    const server = await pending.shift()!;
    pending.push(spawnServer());
    if (await fs.lstat(path.join(maildir, '.popcheck.lock')).then(() => true, () => false)) stats.staleLocksFound++;
    const wire = await verify(server, roundNo);
    expect(problems).toEqual([]);

    // DELE some of the live messages (by their current numbers), then QUIT and kill.
    const listing = (await wire.command('LIST')).startsWith('+OK') ? await wire.multi() : [];
    const numbers = listing.map((l) => Number(l.split(' ')[0]));
    const victims = rnd.pick(numbers, rnd.int(1, Math.min(6, numbers.length)));
    const uidByNumber = new Map<number, string>();
    wire.socket.write('UIDL\r\n');
    await wire.line();
    for (const l of await wire.multi()) uidByNumber.set(Number(l.split(' ')[0]), l.split(' ')[1]!);
    const byUid = new Map([...msgs.values()].filter((m) => m.uid).map((m) => [m.uid!, m]));
    const deleted: Msg[] = [];
    for (const n of victims) {
      const reply = await wire.command(`DELE ${n}`);
      if (!reply.startsWith('+OK')) throw new Error(`DELE ${n}: ${reply}`);
      const m = byUid.get(uidByNumber.get(n)!)!;
      m.state = 'maybe';
      deleted.push(m);
      stats.deleted++;
    }
    const delay = rnd.int(0, MAX_DELAY_MS);
    await new Promise<void>((resolve) => wire.socket.write('QUIT\r\n', () => resolve()));
    if (delay > 0) await new Promise((resolve) => setTimeout(resolve, delay));
    server.proc.kill('SIGKILL');
    const answered = /^\+OK/m.test(wire.received);
    await server.exited;
    wire.socket.destroy();
    stats.kills++;
    if (answered) {
      // The server said +OK to QUIT: UPDATE was over, the DELE'd messages must be gone.
      stats.killsAfterQuitReply++;
      for (const m of deleted) {
        if (await findMessage(maildir, m.name)) problems.push(`round ${roundNo}: ${m.id} still there although QUIT answered +OK`);
        m.state = 'gone';
        stats.confirmedGone++;
      }
    } else {
      stats.killsBeforeQuitReply++;
    }
  }
  const elapsedMs = performance.now() - t0;

  // One last restart, checked like every other, then a clean QUIT: nothing left behind.
  const last = await pending.shift()!;
  const wire = await verify(last, roundNo + 1);
  expect((await wire.command('QUIT')).startsWith('+OK')).toBe(true);
  await last.stop();
  const leftovers = (await fs.readdir(maildir)).filter((n) => n.startsWith('.popcheck') && n !== '.popcheck-state.json');

  record('crash-safety', { seed: rnd.seed, ...stats, rounds: roundNo, elapsedMs: round(elapsedMs), killsPerSecond: round(stats.kills / (elapsedMs / 1000)), leftovers });
  expect(problems).toEqual([]);
  expect(stats.lost).toBe(0);
  expect(stats.torn).toBe(0);
  expect(stats.uidChanges).toBe(0);
  expect(leftovers).toEqual([]);
  expect(stats.kills).toBeGreaterThanOrEqual(Math.min(MAX_KILLS, 100));
}, MAX_MS + 60_000);

/**
 * Issue 8, hostile clients: 100 MB without a line break, a million pipelined commands, and clients
 * that never read their RETR output. The server's memory per client stays bounded (VmRSS and VmHWM
 * of the `popcheck server` process, /proc/<pid>/status) and other clients are not affected (a
 * normal session completes while each attack runs).
 */
import { promises as fs, readFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { deliver, makeMaildir, message } from './support/maildir.js';
import { normalSession } from './support/pop3.js';
import { percentile, record, round } from './support/report.js';
import { startFlood } from './support/script-process.js';
import { ServerProcess } from './support/server-process.js';

const build = inject('popcheckBuild');
const HOST = '127.0.0.1';
const MiB = 1024 * 1024;
/** The big message: larger than anything the server could hide in its buffers. */
const BIG_OCTETS = 96 * MiB;
const NON_READERS = 10;
/** "Other clients unaffected": a normal session completes within this (it takes ~5 ms when idle). */
const UNAFFECTED_MS = 2000;
/**
 * A server that buffered the input (or the message) would grow by 100 MB or more per client. The
 * bound leaves room for V8's young generation, which holds the garbage of the 64 KiB socket reads
 * until the next scavenge (up to ~48 MB with Node 20's defaults), and says nothing finer than that.
 */
const RSS_BOUND_KB = 64 * 1024;
/**
 * The pipeline's garbage (a parsed command, a reply and a few promises per NOOP) grows V8's heap
 * further, to a plateau: 250,000 NOOPs +42 MB, 1,000,000 +73 MB, 2,000,000 +72 MB in our runs. A
 * server that queued the million commands would hold them all (well over 100 MB).
 */
const RSS_BOUND_PIPELINE_KB = 96 * 1024;

let scratch: string;
let server: ServerProcess;
let baselineKb: number;

/** A CRLF message of about `octets`, with lines of 78 octets. */
async function writeBigMessage(file: string, octets: number): Promise<number> {
  const line = Buffer.from(`${'x'.repeat(76)}\r\n`, 'latin1');
  const block = Buffer.concat(Array.from({ length: 8192 }, () => line)); // 640 KiB
  const handle = await fs.open(file, 'w');
  let written = 0;
  try {
    await handle.write(Buffer.from('Subject: big\r\nX-Rel-Id: big\r\n\r\n', 'latin1'));
    while (written < octets) {
      await handle.write(block);
      written += block.length;
    }
  } finally {
    await handle.close();
  }
  return (await fs.stat(file)).size;
}

const bob = (): Promise<{ ms: number }> => normalSession({ host: HOST, port: server.port, user: 'bob', pass: 'pw' });

/** Octets the server process has written (sockets included: /proc/<pid>/io wchar). */
function serverWritten(): number {
  return Number(/^wchar: (\d+)/m.exec(readFileSync(`/proc/${server.pid}/io`, 'utf8'))?.[1] ?? NaN);
}

beforeAll(async () => {
  scratch = await fs.mkdtemp(path.join(os.tmpdir(), 'popcheck-rel-input-'));
  const root = path.join(scratch, 'mail');
  const users = ['bob', 'carol', ...Array.from({ length: NON_READERS }, (_, i) => `reader${i}`)];
  for (const u of users) {
    const dir = await makeMaildir(root, u);
    for (let i = 1; i <= 3; i++) await deliver(dir, `${1_700_000_000 + i}.m${i}.rel`, message(`${u}-${i}`, 30));
  }
  // One big message, hard-linked into every reader's maildrop: one file on disk, ten maildrops.
  const big = path.join(scratch, 'big.eml');
  await writeBigMessage(big, BIG_OCTETS);
  for (let i = 0; i < NON_READERS; i++) await fs.link(big, path.join(root, `reader${i}`, 'new', '1600000000.big.rel'));
  server = await ServerProcess.start({
    build,
    args: [...users.flatMap((u) => ['-u', `${u}:pw`]), '-d', root, '--listen', `${HOST}:0`, '--no-manager', '--metrics-file', path.join(scratch, 'metrics.json')],
  });
  for (let i = 0; i < 5; i++) await bob(); // warm-up
  baselineKb = server.rssKb();
}, 120_000);

afterAll(async () => {
  await server?.stop();
  await fs.rm(scratch, { recursive: true, force: true });
});

function connect(): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const s = net.connect({ host: HOST, port: server.port }, () => resolve(s));
    s.once('error', reject);
  });
}

/** Collects what the server sends; `until` resolves when the text received since the last match matches. */
function collector(socket: net.Socket): { text: () => string; octets: () => number; until: (re: RegExp, timeoutMs: number) => Promise<void> } {
  let text = '';
  let octets = 0;
  let check: ((joined: string) => void) | undefined;
  socket.on('data', (d: Buffer) => {
    octets += d.length;
    const joined = text + d.toString('latin1');
    // Keep only the tail: a million replies (or a 96 MiB body) would otherwise pile up here.
    text = joined.slice(-4096);
    check?.(joined);
  });
  return {
    text: () => text,
    octets: () => octets,
    until: (re, timeoutMs) =>
      new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no ${re} within ${timeoutMs} ms; last: ${JSON.stringify(text.slice(-300))}`)), timeoutMs);
        check = (joined) => {
          if (re.test(joined)) {
            clearTimeout(timer);
            check = undefined;
            resolve();
          }
        };
        check(text);
      }),
  };
}

describe('memory per hostile client stays bounded', () => {
  it('100 MB without a line break: one -ERR, the rest discarded, the session still usable', async () => {
    server.resetPeak();
    const flood = startFlood({ mode: 'line', host: HOST, port: server.port, octets: 100 * MiB, selfTimeoutMs: 60_000 });
    await flood.next('half', 30_000);
    const normal = await bob();
    const done = await flood.next('done', 60_000);
    await flood.end();
    const peakKb = server.peakKb();
    expect(done).toMatchObject({ tooLong: true, capaAnswered: true });
    expect(normal.ms).toBeLessThan(UNAFFECTED_MS);
    expect(peakKb - baselineKb).toBeLessThan(RSS_BOUND_KB);
    record('line-without-break', { octetsSent: 100 * MiB, sendMs: round(Number(done.sentMs)), serverReplyOctets: done.received, rssBaselineKb: baselineKb, peakKb, peakGrowthKb: peakKb - baselineKb, afterKb: server.rssKb(), normalSessionMs: round(normal.ms) });
  });

  it('a million pipelined commands: every one answered in order, memory bounded, other sessions not starved', async () => {
    server.resetPeak();
    const target = 1_000_000;
    const flood = startFlood({ mode: 'pipeline', host: HOST, port: server.port, user: 'carol', pass: 'pw', commands: target, selfTimeoutMs: 150_000 });
    await flood.next('half', 60_000);
    // Normal sessions, one after the other, for as long as the flood is being answered.
    const normal: number[] = [];
    while (!flood.seen('done') && normal.length < 50) normal.push((await bob()).ms);
    const done = await flood.next('done', 150_000);
    await flood.end();
    const peakKb = server.peakKb();
    const ms = Number(done.ms);
    record('million-pipelined-commands', {
      commands: target,
      answered: done.answered,
      ms: round(ms),
      perSecond: Math.round(target / (ms / 1000)),
      peakKb,
      peakGrowthKb: peakKb - baselineKb,
      normalSessionsDuringFlood: normal.length,
      normalSessionMs: { median: round(percentile(normal, 50)), max: round(Math.max(...normal)) },
    });
    expect(done.answered).toBe(target);
    expect(peakKb - baselineKb).toBeLessThan(RSS_BOUND_PIPELINE_KB);
    // Fairness: one client's pipeline must not hold up everybody else's dialogue.
    expect(Math.max(...normal)).toBeLessThan(UNAFFECTED_MS);
  }, 200_000);

  it(`${NON_READERS} clients that never read their RETR of a 96 MiB message: the server holds a bounded amount for each`, async () => {
    server.resetPeak();
    const before = server.rssKb();
    const sockets: net.Socket[] = [];
    const received: number[] = [];
    for (let i = 0; i < NON_READERS; i++) {
      const s = await connect();
      const rx = collector(s);
      s.write(`USER reader${i}\r\nPASS pw\r\n`);
      await rx.until(/logged in[^\r]*\r\n/, 20_000);
      // Message 1 is the big one (the oldest). Read the +OK line and the first chunk, then stop reading.
      s.write('RETR 1\r\n');
      await rx.until(/\+OK \d+ octets\r\n/, 10_000);
      s.pause();
      sockets.push(s);
      received.push(rx.octets());
    }
    // Wait for the server to stop writing (its sockets' buffers are full and it waits for "drain").
    // Nothing signals that from outside, so this polls /proc/<pid>/io, bounded: 200 ms steps, 15 s.
    let last = serverWritten();
    let stable = 0;
    for (let step = 0; step < 75 && stable < 5; step++) {
      await new Promise((r) => setTimeout(r, 200));
      const now = serverWritten();
      stable = now === last ? stable + 1 : 0;
      last = now;
    }
    expect(stable, 'the server kept writing to clients that do not read').toBeGreaterThanOrEqual(5);
    const during = server.rssKb();
    const normal = await bob();
    const peakKb = server.peakKb();
    for (const s of sockets) s.destroy();
    const growth = peakKb - before;
    expect(normal.ms).toBeLessThan(UNAFFECTED_MS);
    // Without backpressure each client would cost its 96 MiB message; the bound is 64 MB for all ten.
    expect(growth).toBeLessThan(RSS_BOUND_KB);
    record('clients-that-never-read', {
      clients: NON_READERS,
      messageOctets: BIG_OCTETS,
      rssBeforeKb: before,
      rssDuringKb: during,
      peakKb,
      peakGrowthKb: growth,
      perClientKb: round(growth / NON_READERS),
      afterKb: server.rssKb(),
      normalSessionMs: round(normal.ms),
      firstChunkOctets: received,
    });
  }, 120_000);
});

/**
 * The known messages (fixtures/messages/NN-*.eml) and how @fixtures scenarios put them into the
 * maildrop of the main account (contract.ts FixtureMode 'maildir').
 *
 * Message N of the maildrop is the N-th fixture file in name order. They are written as Maildir
 * files `<1700000000+N>.M<N>P<generation>.popcheck:2,S` in cur/: a server orders a maildrop by
 * delivery time, which a Maildir name carries in its leading number (and the mtime is set to it
 * too, for servers that use the file time), so the order is the same on any Maildir server.
 *
 * Writing keeps that order on servers that number messages by the UID they gave each file when
 * they first saw it (Dovecot): a file written again under a name the server saw before, after a
 * @destructive scenario expunged it, would get a new, highest UID and become the last message.
 * So the writer never restores one file: whenever any fixture is missing or changed, it removes
 * every message file and writes all of them under fresh names (a new generation), which the server
 * then sees together and numbers by their leading delivery time (the bundled server: delivery
 * time, then name; Dovecot: new files of one sync sorted by name, i.e. by that time).
 *
 * When all of them are there with the right content (whatever their generation) writing is a no-op,
 * so a session holding the maildrop keeps its snapshot. Files are written under tmp/ and renamed
 * into cur/ (the Maildir delivery protocol), so a reader never sees half a message. Dotfiles (a
 * server's lock and state files) and the rest of tmp/ are never touched. Under --parallel several
 * workers may find the maildrop incomplete at once: a lock file in tmp/ makes one of them write.
 */
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import { setTimeout as delay } from 'node:timers/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { canonicalize } from '../../src/protocol/index.js';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const FIXTURE_DIR = path.join(REPO_ROOT, 'fixtures', 'messages');
/** Delivery time of fixture 1 minus one: fixture N is delivered at BASE_SECONDS + N. */
export const BASE_SECONDS = 1_700_000_000;

export interface Fixture {
  /** 1-based position: message N of the maildrop. */
  readonly number: number;
  readonly file: string;
  /** The bytes as stored (line ends as in the file). */
  readonly stored: Buffer;
  /** What a server must send for it: CRLF line ends and a final CRLF (RFC 1939 §3, §11). */
  readonly canonical: Buffer;
}

const cache = new Map<string, Promise<Fixture[]>>();

/** The *.eml files of `dir`, sorted by name (their numeric prefix fixes the order). */
export function loadFixtures(dir = FIXTURE_DIR): Promise<Fixture[]> {
  let p = cache.get(dir);
  if (!p) {
    p = (async () => {
      const names = (await fs.readdir(dir)).filter((n) => n.endsWith('.eml')).sort();
      if (names.length === 0) throw new Error(`no fixture messages (*.eml) in ${dir}`);
      return Promise.all(
        names.map(async (file, i) => {
          const stored = await fs.readFile(path.join(dir, file));
          return { number: i + 1, file, stored, canonical: canonicalize(stored) };
        }),
      );
    })();
    p.catch(() => cache.delete(dir));
    cache.set(dir, p);
  }
  return p;
}

/** The file name of fixture `n` in generation `generation` (see the top of this file). */
export function fixtureFileName(n: number, generation = 1): string {
  return `${BASE_SECONDS + n}.M${n}P${generation}.popcheck:2,S`;
}

const FIXTURE_NAME = /^(\d+)\.M(\d+)P(\d+)\.popcheck(?::2,[A-Za-z]*)?$/;

/** Fixture number and generation of a file named by fixtureFileName (flags may differ), if it is one. */
export function parseFixtureFileName(name: string): { number: number; generation: number } | undefined {
  const m = FIXTURE_NAME.exec(name);
  if (!m) return undefined;
  const number = Number(m[2]);
  return Number(m[1]) === BASE_SECONDS + number ? { number, generation: Number(m[3]) } : undefined;
}

async function entries(dir: string): Promise<Array<{ name: string; isFile: boolean }>> {
  try {
    return (await fs.readdir(dir, { withFileTypes: true })).map((e) => ({ name: e.name, isFile: e.isFile() }));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
}

async function sameContent(file: string, bytes: Buffer): Promise<boolean> {
  try {
    return (await fs.readFile(file)).equals(bytes);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw err;
  }
}

async function unlinkQuietly(file: string): Promise<void> {
  await fs.unlink(file).catch((err: NodeJS.ErrnoException) => {
    if (err.code !== 'ENOENT') throw err;
  });
}

/** What the maildrop holds: message files (not dotfiles) in new/ and cur/, and which are right. */
interface Survey {
  /** Every message file, as a path. */
  readonly files: string[];
  /** Files that are fixture N in cur/ with fixture N's exact content, by fixture number. */
  readonly right: Map<number, string>;
  /** The highest generation seen in a fixture file name (0 when none). */
  readonly generation: number;
}

async function survey(maildrop: string, fixtures: readonly Fixture[]): Promise<Survey> {
  const byNumber = new Map(fixtures.map((f) => [f.number, f]));
  const files: string[] = [];
  const right = new Map<number, string>();
  let generation = 0;
  for (const sub of ['new', 'cur'] as const) {
    for (const e of await entries(path.join(maildrop, sub))) {
      if (e.name.startsWith('.') || !e.isFile) continue;
      const file = path.join(maildrop, sub, e.name);
      files.push(file);
      const parsed = parseFixtureFileName(e.name);
      if (!parsed) continue;
      generation = Math.max(generation, parsed.generation);
      const f = byNumber.get(parsed.number);
      if (sub === 'cur' && f && !right.has(f.number) && (await sameContent(file, f.stored))) right.set(f.number, file);
    }
  }
  return { files, right, generation };
}

function complete(s: Survey, fixtures: readonly Fixture[]): boolean {
  return fixtures.every((f) => s.right.has(f.number));
}

/** Removes what is not one of the fixtures: new mail, or a second copy of one. */
async function removeExtras(s: Survey): Promise<void> {
  const keep = new Set(s.right.values());
  for (const file of s.files) if (!keep.has(file)) await unlinkQuietly(file);
}

/**
 * Makes the maildrop at `maildrop` hold exactly the fixtures, as message 1..N. A flat maildrop
 * (message files directly in the folder, no cur/ or new/) has its files removed and becomes a
 * Maildir. Returns how many files were written: 0 when it already held them (only other mail, if
 * any, is removed then), else all of them, under a new generation of names.
 */
export async function installFixtures(maildrop: string, fixtures: readonly Fixture[]): Promise<number> {
  const st = await fs.stat(maildrop).catch(() => undefined);
  if (!st?.isDirectory()) throw new Error(`the fixtures maildrop ${maildrop} is not a folder`);
  const top = await entries(maildrop);
  const isMaildir = top.some((e) => !e.isFile && (e.name === 'cur' || e.name === 'new'));
  if (!isMaildir) {
    for (const e of top) if (e.isFile && !e.name.startsWith('.')) await unlinkQuietly(path.join(maildrop, e.name));
  }
  for (const sub of ['cur', 'new', 'tmp']) await fs.mkdir(path.join(maildrop, sub), { recursive: true });

  const first = await survey(maildrop, fixtures);
  if (complete(first, fixtures)) {
    await removeExtras(first);
    return 0;
  }
  const release = await lockFixtures(maildrop);
  try {
    // Another worker may have written them while this one waited for the lock.
    const now = await survey(maildrop, fixtures);
    if (complete(now, fixtures)) {
      await removeExtras(now);
      return 0;
    }
    for (const file of now.files) await unlinkQuietly(file);
    const generation = now.generation + 1;
    for (const f of fixtures) {
      const name = fixtureFileName(f.number, generation);
      const temp = path.join(maildrop, 'tmp', `${name}.${process.pid}.${randomBytes(4).toString('hex')}`);
      await fs.writeFile(temp, f.stored);
      const when = new Date((BASE_SECONDS + f.number) * 1000);
      await fs.utimes(temp, when, when);
      await fs.rename(temp, path.join(maildrop, 'cur', name));
    }
    return fixtures.length;
  } finally {
    await release();
  }
}

/** The writer's lock: a file in tmp/ (servers ignore tmp/ until it is a day old). */
const LOCK_FILE = '.popcheck-fixtures.lock';
/** A lock older than this is left over from a crashed run: writing nine files takes milliseconds. */
const STALE_LOCK_MS = 30_000;
const LOCK_WAIT_MS = 60_000;

/**
 * Takes the writer's lock (O_EXCL create). The holder is another process (a --parallel worker),
 * so there is no event to wait for: like the maildrop lock in session.ts, it is polled with a
 * short, growing pause, and a stale one (older than STALE_LOCK_MS) is broken.
 */
async function lockFixtures(maildrop: string): Promise<() => Promise<void>> {
  const file = path.join(maildrop, 'tmp', LOCK_FILE);
  const deadline = Date.now() + LOCK_WAIT_MS;
  for (let attempt = 0; ; attempt++) {
    try {
      const handle = await fs.open(file, 'wx');
      await handle.writeFile(String(process.pid));
      await handle.close();
      return () => unlinkQuietly(file);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    const held = await fs.stat(file).catch(() => undefined);
    if (held && Date.now() - held.mtimeMs > STALE_LOCK_MS) {
      await unlinkQuietly(file);
      continue;
    }
    if (Date.now() > deadline) throw new Error(`the fixture writer's lock ${file} stayed held for ${LOCK_WAIT_MS / 1000} s`);
    await delay(Math.min(10 * 2 ** Math.min(attempt, 5), 200));
  }
}

/**
 * RFC 1939 §7 TOP msg n, computed from the canonical message as the test's oracle: the header
 * lines, the blank line that ends them, then n lines of the body; the whole message when it has
 * fewer body lines, or no blank line at all (all header). Kept independent of the server's
 * TopFilter on purpose, so a bug there cannot hide itself.
 */
export function expectedTop(canonical: Buffer, bodyLines: number): Buffer {
  let at = 0;
  let inHeader = true;
  let left = bodyLines;
  while (at < canonical.length) {
    if (!inHeader && left === 0) break;
    const lf = canonical.indexOf(0x0a, at);
    const end = lf === -1 ? canonical.length : lf + 1;
    const isBlank = end - at === 2 && canonical[at] === 0x0d;
    if (inHeader) {
      if (isBlank) inHeader = false;
    } else {
      left--;
    }
    at = end;
  }
  return canonical.subarray(0, at);
}

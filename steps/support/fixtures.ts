/**
 * The known messages (fixtures/messages/NN-*.eml) and how @fixtures scenarios put them into the
 * maildrop of the main account (contract.ts FixtureMode 'maildir').
 *
 * Message N of the maildrop is the N-th fixture file in name order. They are written as Maildir
 * files `<1700000000+N>.M<N>P1.popcheck:2,S` in cur/: a server orders a maildrop by delivery time,
 * which a Maildir name carries in its leading number (and the mtime is set to it too, for servers
 * that use the file time), so the order is the same on any Maildir server.
 *
 * Writing is idempotent and safe while other scenarios run (--parallel): a file that is already
 * there with the right content is left alone, so a session holding the maildrop keeps its snapshot;
 * a missing one is written under tmp/ and renamed into cur/ (the Maildir delivery protocol), so a
 * reader never sees half a message. Anything else in new/ and cur/ is removed. Dotfiles (a server's
 * lock and state files) and tmp/ are never touched.
 */
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
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

export function fixtureFileName(n: number): string {
  return `${BASE_SECONDS + n}.M${n}P1.popcheck:2,S`;
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

/**
 * Makes the maildrop at `maildrop` hold exactly the fixtures, as message 1..N. A flat maildrop
 * (message files directly in the folder, no cur/ or new/) has its files removed and becomes a
 * Maildir. Returns how many files were written (0 when it already held them).
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

  const wanted = new Map(fixtures.map((f) => [fixtureFileName(f.number), f]));
  const present = new Set<string>();
  for (const sub of ['new', 'cur'] as const) {
    for (const e of await entries(path.join(maildrop, sub))) {
      if (e.name.startsWith('.')) continue;
      const file = path.join(maildrop, sub, e.name);
      const f = sub === 'cur' && e.isFile ? wanted.get(e.name) : undefined;
      if (f && (await sameContent(file, f.stored))) present.add(e.name);
      else if (e.isFile) await unlinkQuietly(file);
    }
  }
  let written = 0;
  for (const [name, f] of wanted) {
    if (present.has(name)) continue;
    const temp = path.join(maildrop, 'tmp', `${name}.${process.pid}.${randomBytes(4).toString('hex')}`);
    await fs.writeFile(temp, f.stored);
    const when = new Date((BASE_SECONDS + f.number) * 1000);
    await fs.utimes(temp, when, when);
    await fs.rename(temp, path.join(maildrop, 'cur', name));
    written++;
  }
  return written;
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

/**
 * Lists the messages of one maildrop folder, in either layout:
 *   - Maildir (has cur/ or new/): the files in new/ and cur/; tmp/ holds deliveries in progress
 *     and is ignored. Files stay where they are (moving new/ -> cur/ is the MUA's business; a POP3
 *     server that moved them would confuse a second reader). Key "new/<name>" or "cur/<name>".
 *   - flat (the seed's layout): every regular file directly in the folder. Key "<name>".
 * Dotfiles (our state and lock files, ".keep", editors' leftovers) and anything that is not a
 * regular file (folders, symlinks, sockets) are ignored; not following symlinks keeps a maildrop
 * from exposing files outside it.
 *
 * Order, RFC 1939 §5 (numbers fixed for the session) and stable across sessions: delivery time,
 * then the name in natural order, then the key. Delivery time is the leading integer of a
 * Maildir-style name "<seconds>.<rest>", else the file's mtime in whole seconds.
 */
import { promises as fs, type BigIntStats, type Dirent } from 'node:fs';
import path from 'node:path';
import { errnoOf } from './fs-errors.js';
import { mapLimit } from './map-limit.js';
import { naturalCompare } from './natural-order.js';
import { ioForCount, type StoreIo } from './store-io.js';

export type MaildropLayout = 'maildir' | 'flat';

export interface ListedFile {
  readonly key: string;
  readonly path: string;
  /** The name without Maildir flags (":2,S"), used for order and Maildir identity. */
  readonly baseName: string;
  /** Whom a unique-id belongs to (see identityOf). */
  readonly identity: string;
  /** Changes whenever the content may have changed: invalidates the cached size. */
  readonly fingerprint: string;
  /** Seconds since the epoch. */
  readonly deliveredAt: number;
}

const MAILDIR_SUBDIRS = ['new', 'cur'] as const;
const NS_PER_SECOND = 1_000_000_000n;
const STAT_CONCURRENCY = 32;

/** Maildir: "<unique>:2,<flags>"; the part before ":" names the message for its whole life. */
export function maildirBaseName(name: string): string {
  const colon = name.indexOf(':');
  return colon === -1 ? name : name.slice(0, colon);
}

/** Delivery time in seconds: "<digits>.<rest>" names carry it; otherwise the mtime. */
export function deliverySeconds(name: string, mtimeNs: bigint): number {
  const m = /^(\d{1,15})\./.exec(name);
  if (m !== null) return Number(m[1]);
  return Number(mtimeNs / NS_PER_SECOND);
}

export function compareListed(a: ListedFile, b: ListedFile): number {
  if (a.deliveredAt !== b.deliveredAt) return a.deliveredAt - b.deliveredAt;
  const byName = naturalCompare(a.baseName, b.baseName);
  if (byName !== 0) return byName;
  return a.key < b.key ? -1 : a.key > b.key ? 1 : 0;
}

/** Maildir when the folder has cur/ or new/; otherwise the seed's flat layout. */
export function detectLayout(rootEntries: readonly Dirent[]): MaildropLayout {
  const isMaildir = rootEntries.some((e) => e.isDirectory() && (e.name === 'cur' || e.name === 'new'));
  return isMaildir ? 'maildir' : 'flat';
}

/**
 * Identity of a message for its unique-id. Maildir: the base name, so a flag rename or a move from
 * new/ to cur/ by another MUA keeps the id. Flat: name + inode + birth time (mtime where the file
 * system has no birth time), so a file deleted and re-created under the same name is a new message.
 */
function identityOf(layout: MaildropLayout, name: string, baseName: string, st: BigIntStats): string {
  if (layout === 'maildir') return `m:${baseName}`;
  const born = st.birthtimeNs !== 0n ? st.birthtimeNs : st.mtimeNs;
  return `f:${name}:${st.ino}:${born}`;
}

async function statCandidate(
  io: StoreIo,
  layout: MaildropLayout,
  dir: string,
  key: string,
  name: string,
): Promise<ListedFile | undefined> {
  const file = path.join(dir, key);
  let st: BigIntStats;
  try {
    st = await io.lstat(file);
  } catch (err) {
    if (errnoOf(err) === 'ENOENT') return undefined; // removed by another MUA since readdir
    throw err;
  }
  if (!st.isFile()) return undefined;
  const baseName = layout === 'maildir' ? maildirBaseName(name) : name;
  return {
    key,
    path: file,
    baseName,
    identity: identityOf(layout, name, baseName, st),
    fingerprint: `${st.size}:${st.mtimeNs}:${st.ino}`,
    deliveredAt: deliverySeconds(name, st.mtimeNs),
  };
}

/**
 * readdir goes through `io` whatever the folder's size: the Dirent objects are made on the main
 * thread in both modes, so sync only adds the getdents calls themselves (dentry cache).
 */
async function candidates(
  io: StoreIo,
  dir: string,
  layout: MaildropLayout,
  rootEntries: readonly Dirent[],
): Promise<Array<{ key: string; name: string }>> {
  if (layout === 'flat') {
    return rootEntries.filter((e) => e.isFile() && !e.name.startsWith('.')).map((e) => ({ key: e.name, name: e.name }));
  }
  const out: Array<{ key: string; name: string }> = [];
  for (const sub of MAILDIR_SUBDIRS) {
    let entries: Dirent[];
    try {
      entries = await io.readdir(path.join(dir, sub));
    } catch (err) {
      if (errnoOf(err) === 'ENOENT') continue; // a Maildir with only one of new/ and cur/
      throw err;
    }
    for (const e of entries) if (e.isFile() && !e.name.startsWith('.')) out.push({ key: `${sub}/${e.name}`, name: e.name });
  }
  return out;
}

/**
 * The messages of the maildrop in `dir`, sorted; `rootEntries` is the folder's own listing (read
 * once by the caller, which also needs it). Maildir identities are made unique. The per-message
 * lstat calls are made one after the other with a sync `io` (each returns at once), else
 * STAT_CONCURRENCY at a time; a large maildrop always takes the async way (store-io.ts).
 */
export async function listMessages(io: StoreIo, dir: string, layout: MaildropLayout, rootEntries: readonly Dirent[]): Promise<ListedFile[]> {
  const found = await candidates(io, dir, layout, rootEntries);
  const statIo = ioForCount(io, found.length);
  const concurrency = statIo.mode === 'sync' ? 1 : STAT_CONCURRENCY;
  const stated = await mapLimit(found, concurrency, (c) => statCandidate(statIo, layout, dir, c.key, c.name));
  const files = stated.filter((f): f is ListedFile => f !== undefined).sort(compareListed);
  // The same base name in new/ and cur/ at once (a copy in progress by another MUA): the later one
  // in order is named by its key, so both stay listed with distinct ids.
  const seen = new Set<string>();
  return files.map((f) => {
    if (!seen.has(f.identity)) {
      seen.add(f.identity);
      return f;
    }
    const identity = `k:${f.key}`;
    seen.add(identity);
    return { ...f, identity };
  });
}

/**
 * Finds a Maildir message that another MUA renamed since our snapshot (flags changed, or moved
 * from new/ to cur/): same base name in new/ or cur/. Undefined when it is really gone.
 */
export async function findRenamed(dir: string, baseName: string): Promise<string | undefined> {
  for (const sub of MAILDIR_SUBDIRS) {
    let names: string[];
    try {
      names = await fs.readdir(path.join(dir, sub));
    } catch {
      continue;
    }
    const hit = names.find((n) => !n.startsWith('.') && maildirBaseName(n) === baseName);
    if (hit !== undefined) return path.join(dir, sub, hit);
  }
  return undefined;
}

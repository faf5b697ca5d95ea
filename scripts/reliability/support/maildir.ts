/**
 * Maildir fixtures for the reliability tests: make maildrops, deliver the way an MTA does (write in
 * tmp/, rename into new/), find a message by its base name, and take stat snapshots of a tree to
 * prove that nothing outside a folder was read, written or created.
 */
import { constants as fsConstants, promises as fs, type BigIntStats } from 'node:fs';
import path from 'node:path';

export async function makeMaildir(root: string, user: string): Promise<string> {
  const dir = path.join(root, user);
  for (const sub of ['cur', 'new', 'tmp']) await fs.mkdir(path.join(dir, sub), { recursive: true });
  return dir;
}

/** A message with CRLF line ends (so its size on disk is its RFC 1939 size). */
export function message(id: string, bodyLines = 3, extra = ''): Buffer {
  const lines = [`From: reliability@example.invalid`, `To: alice@example.invalid`, `Subject: message ${id}`, `X-Rel-Id: ${id}`, '', ...Array.from({ length: bodyLines }, (_, i) => `line ${i} of ${id} ${extra}`)];
  return Buffer.from(`${lines.join('\r\n')}\r\n`, 'latin1');
}

/**
 * Delivers into `<dir>/new/<name>` through tmp/ and a rename, as Maildir MTAs do, so a reader
 * never sees a half-written message. `deliveredAt` (seconds) is the name's leading number, which
 * fixes the order of the messages.
 */
export async function deliver(maildir: string, name: string, content: Buffer): Promise<string> {
  const tmp = path.join(maildir, 'tmp', name);
  const target = path.join(maildir, 'new', name);
  await fs.writeFile(tmp, content);
  await fs.rename(tmp, target);
  return target;
}

/** Where the message with this base name is now (new/ or cur/, any flags), or undefined. */
export async function findMessage(maildir: string, baseName: string): Promise<string | undefined> {
  for (const sub of ['new', 'cur']) {
    const names = await fs.readdir(path.join(maildir, sub)).catch(() => [] as string[]);
    const hit = names.find((n) => n === baseName || n.startsWith(`${baseName}:`));
    if (hit !== undefined) return path.join(maildir, sub, hit);
  }
  return undefined;
}

export interface EntryStat {
  readonly type: 'file' | 'dir' | 'symlink' | 'other';
  readonly size: bigint;
  readonly ino: bigint;
  readonly mode: number;
  readonly atimeNs: bigint;
  readonly mtimeNs: bigint;
  readonly ctimeNs: bigint;
  /** File contents (small honeypot files only), for an exact comparison. */
  readonly content?: Buffer;
}

export type TreeSnapshot = Map<string, EntryStat>;

function typeOf(st: BigIntStats): EntryStat['type'] {
  if (st.isFile()) return 'file';
  if (st.isDirectory()) return 'dir';
  if (st.isSymbolicLink()) return 'symlink';
  return 'other';
}

/**
 * Every entry under `top` (and `top` itself), with lstat times, leaving out the folders in `skip`
 * and everything in them (the mail root, which the server is expected to change).
 * Files are read with O_NOATIME; a folder's atime, which the walk's own readdir updates, is put
 * back with utimes (exact for the whole-second times the honeypots are given; it changes ctime,
 * which is therefore not compared).
 */
export async function snapshotTree(top: string, skip: readonly string[] = [], withContent = true): Promise<TreeSnapshot> {
  const out: TreeSnapshot = new Map();
  const skipSet = new Set(skip.map((s) => path.resolve(s)));
  const walk = async (p: string): Promise<void> => {
    if (skipSet.has(path.resolve(p))) return;
    const st = await fs.lstat(p, { bigint: true });
    const type = typeOf(st);
    const content = withContent && type === 'file' && st.size < 65_536n ? await readWithoutAtime(p) : undefined;
    out.set(path.relative(top, p) || '.', {
      type,
      size: st.size,
      ino: st.ino,
      mode: Number(st.mode),
      atimeNs: st.atimeNs,
      mtimeNs: st.mtimeNs,
      ctimeNs: st.ctimeNs,
      ...(content ? { content } : {}),
    });
    if (type === 'dir') {
      const names = (await fs.readdir(p)).sort();
      // Put back the atime our own readdir just updated (exact for whole-second times).
      await fs.utimes(p, Number(st.atimeNs) / 1e9, Number(st.mtimeNs) / 1e9);
      for (const name of names) await walk(path.join(p, name));
    }
  };
  await walk(top);
  return out;
}

/** Reads a file without updating its atime (O_NOATIME: Linux, for the owner or root). */
async function readWithoutAtime(p: string): Promise<Buffer> {
  const handle = await fs.open(p, fsConstants.O_RDONLY | fsConstants.O_NOATIME);
  try {
    return await handle.readFile();
  } finally {
    await handle.close();
  }
}

/** Human-readable differences between two snapshots (empty when equal). */
export function diffTrees(before: TreeSnapshot, after: TreeSnapshot, fields: ReadonlyArray<keyof EntryStat> = ['type', 'size', 'ino', 'mode', 'atimeNs', 'mtimeNs', 'content']): string[] {
  const diffs: string[] = [];
  for (const [p, a] of after) {
    const b = before.get(p);
    if (!b) {
      diffs.push(`new entry ${p} (${a.type})`);
      continue;
    }
    for (const f of fields) {
      const x = b[f];
      const y = a[f];
      const same = Buffer.isBuffer(x) && Buffer.isBuffer(y) ? x.equals(y) : x === y;
      if (!same) diffs.push(`${p}: ${String(f)} ${Buffer.isBuffer(x) ? 'content' : String(x)} -> ${Buffer.isBuffer(y) ? 'content changed' : String(y)}`);
    }
  }
  for (const p of before.keys()) if (!after.has(p)) diffs.push(`entry removed: ${p}`);
  return diffs;
}

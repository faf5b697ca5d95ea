/**
 * The metadata calls a login makes (realpath, the lock's symlink/readlink/unlink, readdir, lstat,
 * the state file's stat and read), in two flavours the operator picks (--store-io):
 *   - 'sync' (default): each call is 5-20 µs from the dentry and page cache, less than the libuv
 *     thread-pool round trip the async call costs (two context switches and a wake-up each); a
 *     login on the Maildir store made ~25 of them (bench profile, scripts/bench/analysis.md).
 *     Risk: on a slow or network file system a login blocks the event loop, and every other
 *     session with it, for as long as those calls take.
 *   - 'async': every call goes through the thread pool; the event loop never waits on the disk.
 * Both present the same Promise API, so the store has one code path; errors carry the same errno
 * code either way (a sync throw inside an async function becomes a rejection).
 * Per-message work stays async in both modes when a maildrop is large (SYNC_MAX_ENTRIES), and
 * message bodies and the measuring of new messages' sizes are always streamed.
 */
import {
  closeSync,
  fstatSync,
  linkSync,
  lstatSync,
  openSync,
  promises as fs,
  readdirSync,
  readFileSync,
  readlinkSync,
  realpathSync,
  renameSync,
  rmSync,
  statSync,
  symlinkSync,
  unlinkSync,
  type BigIntStats,
  type Dirent,
} from 'node:fs';

export type StoreIoMode = 'sync' | 'async';

export const DEFAULT_STORE_IO: StoreIoMode = 'sync';

/**
 * Above this many messages, per-message lstat calls go async even in 'sync' mode: 256 lstats are
 * ~1-2 ms of blocked event loop; 100,000 would be most of a second (mapLimit bounds them instead).
 */
export const SYNC_MAX_ENTRIES = 256;

/**
 * Above this size the state file is read async even in 'sync' mode. 256 KiB (~1,500 messages) is
 * ~0.1 ms to copy from the page cache, less than the JSON.parse that follows on the main thread
 * in both modes.
 */
export const SYNC_MAX_READ_OCTETS = 256 * 1024;

/** A file's text together with the stat of the very descriptor it was read from. */
export interface ReadWithStat {
  readonly text: string;
  readonly stat: BigIntStats;
}

export interface StoreIo {
  readonly mode: StoreIoMode;
  realpath(p: string): Promise<string>;
  symlink(target: string, p: string): Promise<void>;
  readlink(p: string): Promise<string>;
  link(existing: string, p: string): Promise<void>;
  rename(from: string, to: string): Promise<void>;
  unlink(p: string): Promise<void>;
  rmForce(p: string): Promise<void>;
  readdir(p: string): Promise<Dirent[]>;
  lstat(p: string): Promise<BigIntStats>;
  stat(p: string): Promise<BigIntStats>;
  /** Opens with `flags`, fstats and reads the descriptor as UTF-8; text '' unless a regular file. */
  readWithStat(p: string, flags: number): Promise<ReadWithStat>;
}

export const asyncIo: StoreIo = {
  mode: 'async',
  realpath: (p) => fs.realpath(p),
  symlink: (target, p) => fs.symlink(target, p),
  readlink: (p) => fs.readlink(p),
  link: (existing, p) => fs.link(existing, p),
  rename: (from, to) => fs.rename(from, to),
  unlink: (p) => fs.unlink(p),
  rmForce: (p) => fs.rm(p, { force: true }),
  readdir: (p) => fs.readdir(p, { withFileTypes: true }),
  lstat: (p) => fs.lstat(p, { bigint: true }),
  stat: (p) => fs.stat(p, { bigint: true }),
  readWithStat: async (p, flags) => {
    const handle = await fs.open(p, flags);
    try {
      const stat = await handle.stat({ bigint: true });
      return { stat, text: stat.isFile() ? await handle.readFile('utf8') : '' };
    } finally {
      await handle.close();
    }
  },
};

export const syncIo: StoreIo = {
  mode: 'sync',
  // .native: realpath(3) in one call, where the JS realpathSync lstats every path component.
  realpath: async (p) => realpathSync.native(p),
  symlink: async (target, p) => symlinkSync(target, p),
  readlink: async (p) => readlinkSync(p),
  link: async (existing, p) => linkSync(existing, p),
  rename: async (from, to) => renameSync(from, to),
  unlink: async (p) => unlinkSync(p),
  rmForce: async (p) => rmSync(p, { force: true }),
  readdir: async (p) => readdirSync(p, { withFileTypes: true }),
  lstat: async (p) => lstatSync(p, { bigint: true }),
  stat: async (p) => statSync(p, { bigint: true }),
  readWithStat: async (p, flags) => {
    const fd = openSync(p, flags);
    let stat: BigIntStats;
    try {
      stat = fstatSync(fd, { bigint: true });
      if (!stat.isFile()) return { stat, text: '' };
      if (stat.size <= BigInt(SYNC_MAX_READ_OCTETS)) return { stat, text: readFileSync(fd, 'utf8') };
    } finally {
      closeSync(fd);
    }
    // Large: read through the thread pool (SYNC_MAX_READ_OCTETS); text and stat come from one descriptor.
    return asyncIo.readWithStat(p, flags);
  },
};

export function storeIo(mode: StoreIoMode): StoreIo {
  return mode === 'sync' ? syncIo : asyncIo;
}

/** `io`, or asyncIo when `count` items are too many to handle synchronously. */
export function ioForCount(io: StoreIo, count: number): StoreIo {
  return count > SYNC_MAX_ENTRIES ? asyncIo : io;
}

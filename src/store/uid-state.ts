/**
 * Per-maildrop state file `.popcheck-state.json`: the UIDL unique-ids and the size cache.
 *
 * RFC 1939 §7 (UIDL): a unique-id is 1..70 characters in 0x21..0x7E, and "the server should never
 * reuse an unique-id in a given maildrop, for as long as the entity using the unique-id exists".
 * A content hash would repeat for a re-delivered identical message, and a file name is reused by
 * the seed's flat folders ("1", "2", ...), so ids are `<prefix>.<counter>`:
 *   - prefix: made when the state file is first created (epoch seconds + random, like IMAP's
 *     UIDVALIDITY); a lost or corrupt state file gets a NEW prefix, so no old id comes back;
 *   - counter: monotonic, persisted, never decremented (not even by expunge).
 * Each entry maps a message identity (see maildir-listing.ts) to its uid and its canonical size,
 * with the stat fingerprint the size was measured for, so a restart does not re-read every message.
 *
 * Only the holder of the maildrop lock reads or writes this file, so there is a single writer;
 * writes are atomic (temp file + fsync + rename).
 *
 * Parsed states are cached per file (a login then costs one stat instead of open, fstat, read,
 * close and JSON.parse), valid while the file's device, inode, size, mtime and ctime are all the
 * same. popcheck only ever replaces the file by renaming a new one in (new inode and ctime), and a
 * process of another popcheck does the same, so a change is always seen. Limit: a program that
 * rewrote the file in place with the same size within one tick of the file system's clock (a few
 * ms) after the previous write would go unseen; popcheck never writes in place.
 * Callers get their own copy of a cached state (loadState), which they may change freely.
 */
import { randomBytes } from 'node:crypto';
import { constants as fsConstants, type BigIntStats } from 'node:fs';
import path from 'node:path';
import { MAX_UNIQUE_ID_CHARS } from '../protocol/limits.js';
import { writeFileAtomic } from './atomic-write.js';
import { BoundedCache } from './bounded-cache.js';
import { errnoOf } from './fs-errors.js';
import { asyncIo, type ReadWithStat, type StoreIo } from './store-io.js';
import type { StoreLogger } from './store-logger.js';
import { StoreError } from './types.js';

export const STATE_FILE = '.popcheck-state.json';
const VERSION = 1;

export interface StateEntry {
  readonly uid: string;
  /** Canonical (CRLF) size in octets, RFC 1939 §5. */
  readonly size: number;
  /** Stat fingerprint (size, mtime, inode) the size was measured for. */
  readonly stat: string;
}

export interface MaildropState {
  readonly prefix: string;
  /** Next counter value; only ever grows. */
  next: number;
  readonly entries: Map<string, StateEntry>;
}

/** One per maildrop a server has recently served; a process serving more re-reads the oldest. */
const STATE_CACHE_MAX_ENTRIES = 10_000;
/**
 * Bound on the summed length of the cached files' text (the parsed form takes about as much
 * again): 10,000 maildrops of ~20 messages fit; a few huge maildrops cannot hold gigabytes.
 */
const STATE_CACHE_MAX_TEXT_OCTETS = 32 * 1024 * 1024;
/** O_NONBLOCK: a FIFO put in the file's place cannot block the open. */
const READ_FLAGS = fsConstants.O_RDONLY | fsConstants.O_NONBLOCK;

interface CachedState {
  readonly state: Readonly<MaildropState>;
  readonly text: string;
}

const cache = new BoundedCache<CachedState>(STATE_CACHE_MAX_ENTRIES, STATE_CACHE_MAX_TEXT_OCTETS);

const UID_PATTERN = new RegExp(`^[\\x21-\\x7e]{1,${MAX_UNIQUE_ID_CHARS}}$`);
const PREFIX_PATTERN = /^[0-9a-z]{1,40}$/;

export function statePath(dir: string): string {
  return path.join(dir, STATE_FILE);
}

export function newState(): MaildropState {
  const epoch = Math.floor(Date.now() / 1000).toString(36);
  return { prefix: `${epoch}${randomBytes(5).toString('hex')}`, next: 1, entries: new Map() };
}

/** Allocates the next unique-id: at most 16 + 1 + 11 characters, all in 0x21..0x7E. */
export function allocateUid(state: MaildropState): string {
  const uid = `${state.prefix}.${state.next.toString(36)}`;
  state.next += 1;
  return uid;
}

export function serializeState(state: MaildropState): string {
  const messages: Record<string, StateEntry> = {};
  for (const [identity, entry] of state.entries) messages[identity] = entry;
  return `${JSON.stringify({ version: VERSION, prefix: state.prefix, next: state.next, messages }, null, 1)}\n`;
}

/** Parses and validates; undefined when anything is off (then the caller rebuilds). */
export function parseState(text: string): MaildropState | undefined {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof raw !== 'object' || raw === null) return undefined;
  const v = raw as { version?: unknown; prefix?: unknown; next?: unknown; messages?: unknown };
  if (v.version !== VERSION || typeof v.prefix !== 'string' || !PREFIX_PATTERN.test(v.prefix)) return undefined;
  if (typeof v.next !== 'number' || !Number.isSafeInteger(v.next) || v.next < 1) return undefined;
  if (typeof v.messages !== 'object' || v.messages === null || Array.isArray(v.messages)) return undefined;
  const entries = new Map<string, StateEntry>();
  const uids = new Set<string>();
  for (const [identity, e] of Object.entries(v.messages as Record<string, unknown>)) {
    if (typeof e !== 'object' || e === null) return undefined;
    const { uid, size, stat } = e as { uid?: unknown; size?: unknown; stat?: unknown };
    if (typeof uid !== 'string' || !UID_PATTERN.test(uid) || uids.has(uid)) return undefined;
    if (typeof size !== 'number' || !Number.isSafeInteger(size) || size < 0 || typeof stat !== 'string') return undefined;
    uids.add(uid);
    // Frozen: entries are shared between the cache and every copy of the state handed out.
    entries.set(identity, Object.freeze({ uid, size, stat }));
  }
  return { prefix: v.prefix, next: v.next, entries };
}

export interface LoadedState {
  readonly state: MaildropState;
  /** The file's text as read, to skip rewriting an unchanged state; undefined if none was read. */
  readonly text: string | undefined;
}

/** Changes whenever the file may have: it is only ever replaced by a rename (new inode, new ctime). */
function fileKey(st: BigIntStats): string {
  return `${st.dev}:${st.ino}:${st.size}:${st.mtimeNs}:${st.ctimeNs}`;
}

/** A copy the caller may change: the entries themselves are frozen and only ever replaced. */
function copyOf(state: Readonly<MaildropState>): MaildropState {
  return { prefix: state.prefix, next: state.next, entries: new Map(state.entries) };
}

/**
 * Reads the state of the maildrop in `dir`. Missing: a fresh state. Corrupt: logged, and a fresh
 * state with a new prefix, so ids handed out under the old prefix are never repeated.
 * Read errors other than ENOENT are thrown (the caller maps them to a StoreError).
 */
export async function loadState(dir: string, logger: StoreLogger, io: StoreIo = asyncIo): Promise<LoadedState> {
  const file = statePath(dir);
  let read: ReadWithStat;
  try {
    const hit = cache.get(file, fileKey(await io.stat(file)));
    if (hit !== undefined) return { state: copyOf(hit.state), text: hit.text };
    // Text and key from one descriptor: a file renamed in between cannot be cached under the old key.
    read = await io.readWithStat(file, READ_FLAGS);
  } catch (err) {
    if (errnoOf(err) !== 'ENOENT') throw err;
    cache.delete(file);
    return { state: newState(), text: undefined };
  }
  if (!read.stat.isFile()) throw new StoreError('permanent', `${file} is not a regular file`);
  const state = parseState(read.text);
  if (state !== undefined) {
    cache.set(file, fileKey(read.stat), { state: Object.freeze(copyOf(state)), text: read.text }, read.text.length);
    return { state, text: read.text };
  }
  const fresh = newState();
  logger.warn({ file, newPrefix: fresh.prefix }, 'corrupt maildrop state file; rebuilding it with a new unique-id prefix');
  return { state: fresh, text: undefined };
}

/** Writes the state atomically unless it is unchanged since `previousText`. */
export async function saveState(dir: string, state: MaildropState, previousText?: string): Promise<string> {
  const text = serializeState(state);
  if (text !== previousText) await writeFileAtomic(statePath(dir), text);
  return text;
}

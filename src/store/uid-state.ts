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
 */
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { MAX_UNIQUE_ID_CHARS } from '../protocol/limits.js';
import { writeFileAtomic } from './atomic-write.js';
import { errnoOf } from './fs-errors.js';
import type { StoreLogger } from './store-logger.js';

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
    entries.set(identity, { uid, size, stat });
  }
  return { prefix: v.prefix, next: v.next, entries };
}

export interface LoadedState {
  readonly state: MaildropState;
  /** The file's text as read, to skip rewriting an unchanged state; undefined if none was read. */
  readonly text: string | undefined;
}

/**
 * Reads the state of the maildrop in `dir`. Missing: a fresh state. Corrupt: logged, and a fresh
 * state with a new prefix, so ids handed out under the old prefix are never repeated.
 * Read errors other than ENOENT are thrown (the caller maps them to a StoreError).
 */
export async function loadState(dir: string, logger: StoreLogger): Promise<LoadedState> {
  const file = statePath(dir);
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (err) {
    if (errnoOf(err) === 'ENOENT') return { state: newState(), text: undefined };
    throw err;
  }
  const state = parseState(text);
  if (state !== undefined) return { state, text };
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

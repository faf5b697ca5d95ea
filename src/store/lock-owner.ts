/**
 * Who holds a maildrop lock, and whether that holder is gone (maildrop-lock.ts takes, breaks and
 * releases the lock; this file only names and judges owners).
 *
 * The lock is a symlink whose target is the owner record `<pid>.<host hash>.<nonce>.<token>`:
 *   pid       the holder's process id;
 *   host hash 8 hex digits of SHA-256(os.hostname()), so a lock on a shared mail root (NFS) is
 *             never judged by a process of another host;
 *   nonce     16 hex digits chosen at process start: tells this process from an earlier one
 *             that had the same pid (PID 1 in a restarted container);
 *   token     a per-process counter (base 36), one per lock taken.
 * At most 10 + 1 + 8 + 1 + 16 + 1 + 11 = 48 octets (a 10-digit pid, a counter below 2^53), under
 * the 60 octets ext4 keeps inside the inode: taking the lock allocates no data block.
 *
 * Older popcheck versions wrote a JSON file {pid, hostname, nonce, token, createdAt}; such a file
 * is still judged by the rules it was written for (parseLegacyLock), so during a mixed upgrade an
 * old and a new server still exclude each other.
 */
import { createHash, randomBytes } from 'node:crypto';
import os from 'node:os';
import { errnoOf } from './fs-errors.js';

/** Read once: os.hostname() is a system call, and every judgement needs it. */
const HOSTNAME = os.hostname();
const HOST_HASH_HEX = 8;
/** Collisions (2^-32 per pair of hosts) only make two hosts judge each other's locks by pid. */
export const HOST_HASH = createHash('sha256').update(HOSTNAME).digest('hex').slice(0, HOST_HASH_HEX);
const NONCE_BYTES = 8;
/** Distinguishes this process from an earlier one that had the same pid. */
export const PROCESS_NONCE = randomBytes(NONCE_BYTES).toString('hex');

/**
 * A JSON lock file that is unparsable (an old holder died between create and write) is stale after
 * this. A symlink is never half written, so the new format needs no such grace period.
 */
const UNREADABLE_LOCK_GRACE_MS = 10_000;

const OWNER_RECORD = /^([1-9][0-9]{0,9})\.([0-9a-f]{8})\.([0-9a-f]{1,32})\.([0-9a-z]{1,13})$/;

/** What was found at the lock path. */
export type SeenLock = { readonly kind: 'link'; readonly target: string } | { readonly kind: 'file'; readonly text: string; readonly mtimeMs: number };

interface Owner {
  readonly pid: number;
  /** Whether it was taken on this host (by host hash, or by host name for the old format). */
  readonly thisHost: boolean;
  readonly host: string;
  readonly nonce: string;
  readonly token: string;
}

let tokenCounter = 0;
/** Tokens of the locks this process holds now: a lock with our pid and nonce and another token is stale. */
const liveTokens = new Set<string>();

/** A fresh token, counted as live until retireToken. */
export function newToken(): string {
  tokenCounter += 1;
  const token = tokenCounter.toString(36);
  liveTokens.add(token);
  return token;
}

export function retireToken(token: string): void {
  liveTokens.delete(token);
}

export function ownerRecord(token: string): string {
  return `${process.pid}.${HOST_HASH}.${PROCESS_NONCE}.${token}`;
}

function parseOwnerRecord(target: string): Owner | undefined {
  const m = OWNER_RECORD.exec(target);
  if (m === null) return undefined;
  return { pid: Number(m[1]), thisHost: m[2] === HOST_HASH, host: `host ${m[2]}`, nonce: m[3]!, token: m[4]! };
}

function parseLegacyLock(text: string): Owner | undefined {
  try {
    const v = JSON.parse(text) as { pid?: unknown; hostname?: unknown; nonce?: unknown; token?: unknown };
    // pid must be a positive integer: process.kill(0 or negative, 0) would address process groups.
    if (typeof v.pid !== 'number' || !Number.isInteger(v.pid) || v.pid <= 0) return undefined;
    if (typeof v.hostname !== 'string' || typeof v.nonce !== 'string' || typeof v.token !== 'string') return undefined;
    return { pid: v.pid, thisHost: v.hostname === HOSTNAME, host: v.hostname, nonce: v.nonce, token: v.token };
  } catch {
    return undefined;
  }
}

function ownerOf(seen: SeenLock): Owner | undefined {
  return seen.kind === 'link' ? parseOwnerRecord(seen.target) : parseLegacyLock(seen.text);
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it exists but belongs to another user, so it is alive.
    return errnoOf(err) !== 'ESRCH';
  }
}

/**
 * Whether the holder of `seen` is gone (see maildrop-lock.ts for the rules). A symlink whose
 * target is no owner record was not made by popcheck (or by a later format): it counts as live,
 * like a lock of another host, and an administrator removes it.
 */
export function isStale(seen: SeenLock): boolean {
  const owner = ownerOf(seen);
  if (owner === undefined) return seen.kind === 'file' && Date.now() - seen.mtimeMs > UNREADABLE_LOCK_GRACE_MS;
  if (!owner.thisHost) return false;
  if (owner.pid === process.pid) return owner.nonce !== PROCESS_NONCE || !liveTokens.has(owner.token);
  return !processAlive(owner.pid);
}

/** The same lock as judged earlier: same kind and same content. */
export function sameLock(a: SeenLock, b: SeenLock): boolean {
  return a.kind === 'link' ? b.kind === 'link' && a.target === b.target : b.kind === 'file' && a.text === b.text;
}

export function describeOwner(seen: SeenLock): string {
  const owner = ownerOf(seen);
  if (owner !== undefined) return `pid ${owner.pid} on ${owner.thisHost ? 'this host' : owner.host}`;
  return seen.kind === 'link' ? `an unrecognised lock (target ${JSON.stringify(seen.target.slice(0, 80))})` : 'a session';
}

/**
 * RFC 1939 §4/§8: a POP3 server "acquires an exclusive-access lock on the maildrop" when a session
 * enters TRANSACTION state, and must not let two sessions change the same maildrop. The lock must
 * hold across processes (two servers, or a server and the manager) as well as inside one process.
 *
 * Across processes: a lock file `.popcheck.lock` in the maildrop, created with O_EXCL ('wx') and
 * holding {pid, hostname, nonce, token}. A lock whose holder is gone is stale and is broken:
 *   - same host, other pid: process.kill(pid, 0) failing with ESRCH means the holder is dead;
 *   - same pid as ours but another per-process nonce: left by an earlier process that had our
 *     pid (typical for PID 1 in a container after a crash);
 *   - our own pid and nonce but a token no session of ours holds any more: a release() that could
 *     not remove the file (the maildrop was read-only at QUIT) left it behind. Without this rule a
 *     lock we failed to remove would lock the maildrop for as long as this server runs;
 *   - another host: we cannot tell, so the lock counts as live (an administrator removes it).
 * Breaking is race-safe against a second breaker: the stale file is renamed aside (atomic) and
 * re-read; if what we moved is not what we judged stale, a fresh lock was taken meanwhile and it
 * is linked back. release() only removes a lock file that still carries its own token.
 * Limit: a dead holder's pid reused by an unrelated live process keeps the lock until that
 * process ends; the file names the pid so an administrator can see why.
 *
 * Inside one process: a Set of locked maildrop paths (realpath), checked and filled synchronously,
 * so two sessions of one server exclude each other even before touching the file system.
 */
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { errnoOf, toStoreError } from './fs-errors.js';
import { StoreError } from './types.js';

export const LOCK_FILE = '.popcheck.lock';

/** A lock file that is unparsable (a holder died between create and write) is stale after this. */
const UNREADABLE_LOCK_GRACE_MS = 10_000;
const MAX_ATTEMPTS = 5;

/** Distinguishes this process from an earlier one that had the same pid. */
const PROCESS_NONCE = randomBytes(8).toString('hex');
const heldInProcess = new Set<string>();
/** Tokens of the locks this process holds now: a lock file with our nonce and another token is stale. */
const liveTokens = new Set<string>();

interface LockContent {
  pid: number;
  hostname: string;
  nonce: string;
  token: string;
  createdAt: string;
}

function parseLock(text: string): LockContent | undefined {
  try {
    const v = JSON.parse(text) as Partial<LockContent>;
    // pid must be a positive integer: process.kill(0 or negative, 0) would address process groups.
    if (!Number.isInteger(v.pid) || (v.pid as number) <= 0) return undefined;
    if (typeof v.hostname !== 'string' || typeof v.nonce !== 'string' || typeof v.token !== 'string') return undefined;
    return v as LockContent;
  } catch {
    return undefined;
  }
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

function isStale(text: string, mtimeMs: number): boolean {
  const owner = parseLock(text);
  if (owner === undefined) return Date.now() - mtimeMs > UNREADABLE_LOCK_GRACE_MS;
  if (owner.hostname !== os.hostname()) return false;
  if (owner.pid === process.pid) return owner.nonce !== PROCESS_NONCE || !liveTokens.has(owner.token);
  return !processAlive(owner.pid);
}

async function readLock(lockPath: string): Promise<{ text: string; mtimeMs: number } | undefined> {
  try {
    const handle = await fs.open(lockPath, 'r');
    try {
      const [stat, text] = await Promise.all([handle.stat(), handle.readFile('utf8')]);
      return { text, mtimeMs: stat.mtimeMs };
    } finally {
      await handle.close();
    }
  } catch (err) {
    if (errnoOf(err) === 'ENOENT') return undefined;
    throw err;
  }
}

/** Moves a stale lock out of the way; puts it back if it turned out to be a fresh one. */
async function breakStale(lockPath: string, judged: string): Promise<void> {
  const aside = `${lockPath}.stale.${process.pid}.${randomBytes(4).toString('hex')}`;
  try {
    await fs.rename(lockPath, aside);
  } catch (err) {
    if (errnoOf(err) === 'ENOENT') return; // another process broke it first
    throw err;
  }
  const moved = await fs.readFile(aside, 'utf8');
  if (moved !== judged) {
    // We moved a lock taken after our check: restore it. EEXIST means a third session has locked
    // meanwhile; the moved lock's owner then keeps running but its release() will not touch it.
    await fs.link(aside, lockPath).catch(() => undefined);
  }
  await fs.rm(aside, { force: true });
}

function describeOwner(text: string): string {
  const owner = parseLock(text);
  return owner === undefined ? 'a session' : `pid ${owner.pid} on ${owner.hostname}`;
}

async function createLockFile(lockPath: string, content: LockContent): Promise<void> {
  const text = JSON.stringify(content);
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    try {
      await fs.writeFile(lockPath, text, { flag: 'wx', mode: 0o600 });
      return;
    } catch (err) {
      if (errnoOf(err) !== 'EEXIST') throw toStoreError(err, 'cannot create the maildrop lock');
    }
    const existing = await readLock(lockPath);
    if (existing === undefined) continue; // released between our create and our read
    if (!isStale(existing.text, existing.mtimeMs)) {
      throw new StoreError('in-use', `maildrop is locked by ${describeOwner(existing.text)}`);
    }
    await breakStale(lockPath, existing.text);
  }
  throw new StoreError('in-use', 'maildrop lock is contended');
}

export class MaildropLock {
  private released = false;

  private constructor(
    private readonly lockPath: string,
    private readonly registryKey: string,
    private readonly token: string,
  ) {}

  /** Takes the lock on the maildrop folder `dir`; StoreError 'in-use' if a live session holds it. */
  static async acquire(dir: string): Promise<MaildropLock> {
    const registryKey = await fs.realpath(dir);
    if (heldInProcess.has(registryKey)) throw new StoreError('in-use', 'maildrop is locked by another session');
    heldInProcess.add(registryKey);
    const lockPath = path.join(registryKey, LOCK_FILE);
    const token = randomBytes(12).toString('hex');
    liveTokens.add(token);
    try {
      const content: LockContent = {
        pid: process.pid,
        hostname: os.hostname(),
        nonce: PROCESS_NONCE,
        token,
        createdAt: new Date().toISOString(),
      };
      await createLockFile(lockPath, content);
    } catch (err) {
      heldInProcess.delete(registryKey);
      liveTokens.delete(token);
      throw toStoreError(err, 'cannot lock the maildrop');
    }
    return new MaildropLock(lockPath, registryKey, token);
  }

  get held(): boolean {
    return !this.released;
  }

  /** Idempotent. Removes the lock file only while it is still ours. */
  async release(): Promise<void> {
    if (this.released) return;
    this.released = true;
    // First: from here on a file with this token, should removing it fail, is stale to us.
    liveTokens.delete(this.token);
    try {
      const current = await readLock(this.lockPath).catch(() => undefined);
      if (current === undefined || parseLock(current.text)?.token !== this.token) return;
      await fs.rm(this.lockPath, { force: true });
    } catch (err) {
      throw toStoreError(err, 'cannot remove the maildrop lock');
    } finally {
      // Only now: a session of this process opening meanwhile would otherwise meet our own file.
      heldInProcess.delete(this.registryKey);
    }
  }
}

/**
 * RFC 1939 §4/§8: a POP3 server "acquires an exclusive-access lock on the maildrop" when a session
 * enters TRANSACTION state, and must not let two sessions change the same maildrop. The lock must
 * hold across processes (two servers, or a server and the manager) as well as inside one process.
 *
 * Across processes: a symlink `.popcheck.lock` in the maildrop whose target is the owner record
 * (lock-owner.ts). symlink() is atomic and fails with EEXIST like an O_EXCL create; readlink()
 * reads the owner in one call; nothing is ever half written. A lock whose holder is gone is stale
 * and is broken:
 *   - same host, other pid: process.kill(pid, 0) failing with ESRCH means the holder is dead;
 *   - same pid as ours but another per-process nonce: left by an earlier process that had our
 *     pid (typical for PID 1 in a container after a crash);
 *   - our own pid and nonce but a token no session of ours holds any more: a release() that could
 *     not remove the file (the maildrop was read-only at QUIT) left it behind. Without this rule a
 *     lock we failed to remove would lock the maildrop for as long as this server runs;
 *   - another host: we cannot tell, so the lock counts as live (an administrator removes it).
 * A regular file at the path is an older popcheck's JSON lock, judged by the same rules (and an
 * unparsable one is stale after a grace period), so old and new servers exclude each other.
 * Breaking is race-safe against a second breaker: the stale lock is renamed aside (atomic) and
 * looked at again; if what we moved is not what we judged stale, a fresh lock was taken meanwhile
 * and it is put back (restore). release() only removes a lock that still names its own token.
 * Limit: a dead holder's pid reused by an unrelated live process keeps the lock until that
 * process ends; the lock names the pid so an administrator can see why.
 *
 * Inside one process: a Set of locked maildrop paths (realpath), checked and filled synchronously,
 * so two sessions of one server exclude each other even before touching the file system.
 */
import { randomBytes } from 'node:crypto';
import { constants as fsConstants } from 'node:fs';
import path from 'node:path';
import { errnoOf, toStoreError } from './fs-errors.js';
import { describeOwner, isStale, newToken, ownerRecord, retireToken, sameLock, type SeenLock } from './lock-owner.js';
import type { ReadWithStat, StoreIo } from './store-io.js';
import { StoreError } from './types.js';

export const LOCK_FILE = '.popcheck.lock';

const MAX_ATTEMPTS = 5;
/** An old-format lock file is read without following a symlink and without blocking on a FIFO. */
const LEGACY_READ_FLAGS = fsConstants.O_RDONLY | fsConstants.O_NOFOLLOW | fsConstants.O_NONBLOCK;

const heldInProcess = new Set<string>();

/** What is at `lockPath` now; undefined when nothing is (or it changed under us: look again). */
async function inspect(io: StoreIo, lockPath: string): Promise<SeenLock | undefined> {
  try {
    return { kind: 'link', target: await io.readlink(lockPath) };
  } catch (err) {
    const code = errnoOf(err);
    if (code === 'ENOENT') return undefined;
    if (code !== 'EINVAL') throw err; // EINVAL: there, but not a symlink
  }
  let read: ReadWithStat;
  try {
    read = await io.readWithStat(lockPath, LEGACY_READ_FLAGS);
  } catch (err) {
    // Gone, or replaced by a symlink (ELOOP with O_NOFOLLOW), since the readlink.
    if (errnoOf(err) === 'ENOENT' || errnoOf(err) === 'ELOOP') return undefined;
    throw err;
  }
  if (!read.stat.isFile()) throw new StoreError('permanent', `${LOCK_FILE} in the maildrop is neither a lock nor a lock file`);
  return { kind: 'file', text: read.text, mtimeMs: Number(read.stat.mtimeMs) };
}

/**
 * Puts back a fresh lock that breakStale moved aside by mistake, without ever replacing a lock a
 * third session took after our rename: a symlink is re-created with the same target (the owner's
 * release() compares targets, so the copy is as good as the original), an old-format file is
 * hard-linked back. Both fail with EEXIST instead of overwriting; rename() would overwrite, so it
 * is not used. EEXIST means a third session locked meanwhile: the moved lock's owner keeps
 * running, but its release() will not touch the third session's lock.
 */
async function restore(io: StoreIo, aside: string, lockPath: string, moved: SeenLock): Promise<void> {
  const put = moved.kind === 'link' ? io.symlink(moved.target, lockPath) : io.link(aside, lockPath);
  await put.catch(() => undefined);
}

/** Moves a stale lock out of the way; puts it back if it turned out to be a fresh one. */
async function breakStale(io: StoreIo, lockPath: string, judged: SeenLock): Promise<void> {
  const aside = `${lockPath}.stale.${process.pid}.${randomBytes(4).toString('hex')}`;
  try {
    await io.rename(lockPath, aside);
  } catch (err) {
    if (errnoOf(err) === 'ENOENT') return; // another process broke it first
    throw err;
  }
  let moved: SeenLock | undefined;
  try {
    moved = await inspect(io, aside);
  } catch (err) {
    // Cannot tell what we moved: put it back as it is (link() keeps a symlink a symlink on Linux)
    // and leave the maildrop locked rather than risk two sessions.
    await io.link(aside, lockPath).then(() => io.rmForce(aside), () => undefined);
    throw err;
  }
  if (moved !== undefined && !sameLock(moved, judged)) await restore(io, aside, lockPath, moved);
  await io.rmForce(aside);
}

async function createLock(io: StoreIo, lockPath: string, target: string): Promise<void> {
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    try {
      await io.symlink(target, lockPath);
      return;
    } catch (err) {
      // These two replace a stat of the folder before locking: the symlink's errors tell the same.
      if (errnoOf(err) === 'ENOTDIR') throw new StoreError('permanent', 'the maildrop is not a folder');
      if (errnoOf(err) === 'ENOENT') throw new StoreError('not-found', 'no such maildrop');
      if (errnoOf(err) !== 'EEXIST') throw toStoreError(err, 'cannot create the maildrop lock');
    }
    const existing = await inspect(io, lockPath);
    if (existing === undefined) continue; // released between our create and our read
    if (!isStale(existing)) throw new StoreError('in-use', `maildrop is locked by ${describeOwner(existing)}`);
    await breakStale(io, lockPath, existing);
  }
  throw new StoreError('in-use', 'maildrop lock is contended');
}

export class MaildropLock {
  private released = false;

  private constructor(
    private readonly io: StoreIo,
    private readonly lockPath: string,
    private readonly registryKey: string,
    private readonly token: string,
    private readonly target: string,
  ) {}

  /**
   * Takes the lock on the maildrop folder `dir`; StoreError 'in-use' if a live session holds it,
   * 'not-found' if there is no such folder, 'permanent' if it is not a folder. Errors of the
   * realpath of `dir` are thrown as they are (the caller maps them).
   */
  static async acquire(dir: string, io: StoreIo): Promise<MaildropLock> {
    const registryKey = await io.realpath(dir);
    if (heldInProcess.has(registryKey)) throw new StoreError('in-use', 'maildrop is locked by another session');
    heldInProcess.add(registryKey);
    const lockPath = path.join(registryKey, LOCK_FILE);
    const token = newToken();
    const target = ownerRecord(token);
    try {
      await createLock(io, lockPath, target);
    } catch (err) {
      heldInProcess.delete(registryKey);
      retireToken(token);
      throw toStoreError(err, 'cannot lock the maildrop');
    }
    return new MaildropLock(io, lockPath, registryKey, token, target);
  }

  get held(): boolean {
    return !this.released;
  }

  /** Idempotent. Removes the lock only while it is still ours. */
  async release(): Promise<void> {
    if (this.released) return;
    this.released = true;
    // First: from here on a lock with this token, should removing it fail, is stale to us.
    retireToken(this.token);
    try {
      // ENOENT (broken as stale by someone), EINVAL (an old-format file now): not ours any more.
      const current = await this.io.readlink(this.lockPath).catch(() => undefined);
      if (current !== this.target) return;
      // Nobody breaks it between these two calls: other processes see our pid alive, and sessions
      // of this process are kept out of this maildrop by heldInProcess until the finally below.
      await this.io.unlink(this.lockPath).catch((err: unknown) => {
        if (errnoOf(err) !== 'ENOENT') throw err;
      });
    } catch (err) {
      throw toStoreError(err, 'cannot remove the maildrop lock');
    } finally {
      // Only now: a session of this process opening meanwhile would otherwise meet our own lock.
      heldInProcess.delete(this.registryKey);
    }
  }
}

import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { HOST_HASH } from './lock-owner.js';
import { LOCK_FILE, MaildropLock } from './maildrop-lock.js';
import { expectStoreError } from './store-contract.js';
import { asyncIo, syncIo, type StoreIo } from './store-io.js';
import { makeTempRoot } from './test-support/maildir-harness.js';

let dir: string;
let lockPath: string;
/** The pid of a child that has exited: its lock is stale. */
let deadPid: number;
beforeEach(async () => {
  const child = spawn(process.execPath, ['-e', ''], { stdio: 'ignore' });
  await once(child, 'exit');
  deadPid = child.pid!;
  dir = await makeTempRoot();
  lockPath = path.join(dir, LOCK_FILE);
});
afterEach(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

/** Our parent (vitest's main process) is alive and is not us. */
const livePid = (): number => process.ppid;
const record = (pid: number, nonce = '0123456789abcdef'): string => `${pid}.${HOST_HASH}.${nonce}.1`;

describe.each([
  ['sync', syncIo],
  ['async', asyncIo],
] as const)('MaildropLock breaking (%s I/O)', (_mode, io) => {
  it('puts back a fresh lock taken between its staleness check and its rename, and then reports in-use', async () => {
    await fs.symlink(record(deadPid), lockPath);
    const fresh = record(livePid());
    // Another breaker removed the stale lock and a live process locked, just before our rename.
    let raced = false;
    const racing: StoreIo = {
      ...io,
      rename: async (from, to) => {
        if (!raced) {
          raced = true;
          await fs.unlink(lockPath);
          await fs.symlink(fresh, lockPath);
        }
        return io.rename(from, to);
      },
    };
    await expectStoreError(MaildropLock.acquire(dir, racing), 'in-use');
    expect(raced).toBe(true);
    expect(await fs.readlink(lockPath)).toBe(fresh);
    expect(await fs.readdir(dir)).toEqual([LOCK_FILE]); // nothing left aside
  });

  it('does not put a moved lock back over one a third session took meanwhile', async () => {
    await fs.symlink(record(deadPid), lockPath);
    const second = record(livePid(), 'aaaaaaaaaaaaaaaa');
    const third = record(livePid(), 'bbbbbbbbbbbbbbbb');
    let raced = false;
    const racing: StoreIo = {
      ...io,
      rename: async (from, to) => {
        await io.rename(from, to);
        if (!raced && from === lockPath) {
          raced = true;
          await fs.symlink(third, lockPath); // taken right after our rename moved `second` aside
        }
      },
      readlink: async (p) => {
        const target = await io.readlink(p);
        // The stale lock is replaced by `second` right after we judged it.
        if (target === record(deadPid) && p === lockPath) {
          await fs.unlink(lockPath);
          await fs.symlink(second, lockPath);
        }
        return target;
      },
    };
    await expectStoreError(MaildropLock.acquire(dir, racing), 'in-use');
    expect(await fs.readlink(lockPath)).toBe(third);
    expect(await fs.readdir(dir)).toEqual([LOCK_FILE]);
  });

  it('release() leaves a lock that is not its own (another session broke and retook it)', async () => {
    const lock = await MaildropLock.acquire(dir, io);
    await fs.unlink(lockPath);
    const other = record(livePid());
    await fs.symlink(other, lockPath);
    await lock.release();
    expect(await fs.readlink(lockPath)).toBe(other);
    await fs.unlink(lockPath);
    await fs.writeFile(lockPath, JSON.stringify({ pid: livePid() })); // an old server's lock file
    await (await MaildropLock.acquire(dir, io).catch(() => undefined))?.release();
    expect(await fs.readFile(lockPath, 'utf8')).toContain(String(livePid()));
  });

  it("reports 'permanent' when the lock path is a folder, and 'not-found' when the maildrop vanished", async () => {
    await fs.mkdir(lockPath);
    await expectStoreError(MaildropLock.acquire(dir, io), 'permanent');
    const gone = path.join(dir, 'gone');
    await fs.mkdir(gone);
    const vanishing: StoreIo = { ...io, realpath: async (p) => ((await io.realpath(p)), await fs.rmdir(gone), p) };
    await expectStoreError(MaildropLock.acquire(gone, vanishing), 'not-found');
  });
});

import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { HOST_HASH } from './lock-owner.js';
import { LOCK_FILE } from './maildrop-lock.js';
import { createMaildrop, MaildirStore, measureCanonicalSize, type MaildirStoreOptions } from './maildir-store.js';
import { describeStoreContract, expectStoreError, readAll, UID_FORMAT, withMaildrop } from './store-contract.js';
import { deliverFile, killHard, maildirHarness, makeTempRoot, spawnLockHolder, type LockHolder } from './test-support/maildir-harness.js';
import { STATE_FILE } from './uid-state.js';

for (const storeIo of ['sync', 'async'] as const) {
  describeStoreContract(`MaildirStore (Maildir layout, ${storeIo} I/O)`, maildirHarness('maildir', { storeIo }));
  describeStoreContract(`MaildirStore (flat layout, ${storeIo} I/O)`, maildirHarness('flat', { storeIo }));
}

const T = 1_700_000_000;
const quiet = { warn: () => undefined };

let root: string;
beforeEach(async () => {
  root = await makeTempRoot();
});
afterEach(async () => {
  await fs.rm(root, { recursive: true, force: true });
});

const storeAt = (opts: Partial<MaildirStoreOptions> = {}): MaildirStore => new MaildirStore({ root, logger: quiet, ...opts });
const uidsOf = (store: MaildirStore, user: string): Promise<string[]> => withMaildrop(store, user, async (d) => d.messages.map((m) => m.uid));
const keysOf = (store: MaildirStore, user: string): Promise<string[]> => withMaildrop(store, user, async (d) => d.messages.map((m) => m.key));

describe('MaildirStore layouts', () => {
  it('lists new/ and cur/ of a Maildir, ignoring tmp/, dotfiles and folders, and moves nothing', async () => {
    const dir = await createMaildrop(root, 'alice', 'maildir');
    await fs.writeFile(path.join(dir, 'new', `${T + 2}.M2P1.host`), 'b\n');
    await fs.writeFile(path.join(dir, 'cur', `${T + 1}.M1P1.host:2,S`), 'a\n');
    await fs.writeFile(path.join(dir, 'tmp', `${T}.M0P1.host`), 'half a message');
    await fs.writeFile(path.join(dir, 'cur', '.hidden'), 'x');
    await fs.mkdir(path.join(dir, 'cur', 'folder'));
    expect(await keysOf(storeAt(), 'alice')).toEqual([`cur/${T + 1}.M1P1.host:2,S`, `new/${T + 2}.M2P1.host`]);
    expect(await fs.readdir(path.join(dir, 'new'))).toEqual([`${T + 2}.M2P1.host`]);
  });

  it('accepts a Maildir that has only new/', async () => {
    const dir = path.join(root, 'alice');
    await fs.mkdir(path.join(dir, 'new'), { recursive: true });
    await fs.writeFile(path.join(dir, 'new', `${T}.x`), 'a\n');
    expect(await keysOf(storeAt(), 'alice')).toEqual([`new/${T}.x`]);
  });

  it('lists regular files of a flat folder by mtime then natural name, ignoring dotfiles, folders and symlinks', async () => {
    const dir = await createMaildrop(root, 'bob', 'flat');
    for (const [name, at] of [['10', T], ['2', T], ['1', T + 5]] as const) {
      await fs.writeFile(path.join(dir, name), name);
      await fs.utimes(path.join(dir, name), at, at);
    }
    await fs.writeFile(path.join(dir, '.keep'), '');
    await fs.mkdir(path.join(dir, 'sub'));
    await fs.writeFile(path.join(root, 'outside'), 'secret');
    await fs.symlink(path.join(root, 'outside'), path.join(dir, 'link'));
    expect(await keysOf(storeAt(), 'bob')).toEqual(['2', '10', '1']);
  });

  it('takes the delivery time from a "<seconds>.<rest>" name before the mtime', async () => {
    const dir = await createMaildrop(root, 'alice', 'maildir');
    await fs.writeFile(path.join(dir, 'cur', `${T + 9}.late`), 'x');
    await fs.utimes(path.join(dir, 'cur', `${T + 9}.late`), T, T);
    await fs.writeFile(path.join(dir, 'cur', `${T + 1}.early`), 'x');
    await fs.utimes(path.join(dir, 'cur', `${T + 1}.early`), T + 99, T + 99);
    expect(await keysOf(storeAt(), 'alice')).toEqual([`cur/${T + 1}.early`, `cur/${T + 9}.late`]);
  });

  it('creates maildrops idempotently and refuses unsafe names', async () => {
    const dir = await createMaildrop(root, 'carol', 'maildir');
    await createMaildrop(root, 'carol', 'maildir');
    expect((await fs.readdir(dir)).sort()).toEqual(['cur', 'new', 'tmp']);
    await expect(createMaildrop(root, '../evil', 'flat')).rejects.toThrow(RangeError);
  });
});

describe('MaildirStore errors', () => {
  it('never resolves an unsafe name against the file system, even when the target exists', async () => {
    const storeRoot = path.join(root, 'inner');
    await createMaildrop(storeRoot, 'someone', 'flat');
    await createMaildrop(root, 'x', 'flat'); // <storeRoot>/../x exists
    await deliverFile(root, 'x', 'flat', 'secret', T, '1');
    const store = new MaildirStore({ root: storeRoot, logger: quiet });
    await expectStoreError(store.openMaildrop('../x'), 'not-found');
    expect(await fs.readdir(path.join(root, 'x'))).toEqual(['1']); // no lock or state written there
  });

  it("reports 'permanent' when the maildrop is not a folder", async () => {
    await fs.writeFile(path.join(root, 'alice'), 'not a folder');
    await expectStoreError(storeAt().openMaildrop('alice'), 'permanent');
  });

  it("reports 'not-found' when the store root itself is missing", async () => {
    await expectStoreError(new MaildirStore({ root: path.join(root, 'missing'), logger: quiet }).openMaildrop('alice'), 'not-found');
  });

  it.each(['sync', 'async'] as const)("maps a missing maildrop to 'not-found' and a file in its place to 'permanent' (%s I/O)", async (storeIo) => {
    await expectStoreError(storeAt({ storeIo }).openMaildrop('nobody'), 'not-found');
    await fs.symlink(path.join(root, 'nowhere'), path.join(root, 'dangling'));
    await expectStoreError(storeAt({ storeIo }).openMaildrop('dangling'), 'not-found');
    await fs.writeFile(path.join(root, 'alice'), 'not a folder');
    const err = await expectStoreError(storeAt({ storeIo }).openMaildrop('alice'), 'permanent');
    expect(err.message).toBe('the maildrop is not a folder');
    expect(await fs.readdir(root)).toEqual(['alice', 'dangling']); // nothing written beside them
  });

  it("reports 'gone' for a message another program deleted during the session", async () => {
    const key = await deliverFile(root, 'alice', 'maildir', 'a\n', T, 'm1');
    await withMaildrop(storeAt(), 'alice', async (d) => {
      await fs.unlink(path.join(root, 'alice', key));
      await expectStoreError(d.openMessage(key), 'gone');
      await expectStoreError(d.openMessage('../../etc/passwd'), 'gone'); // keys outside the snapshot
    });
  });

  it('collects unlink failures as one temporary error after removing the rest', async () => {
    const k1 = await deliverFile(root, 'bob', 'flat', 'a\n', T, '1');
    const k2 = await deliverFile(root, 'bob', 'flat', 'b\n', T + 1, '2');
    await withMaildrop(storeAt(), 'bob', async (d) => {
      // A folder where the file was: unlink fails with EISDIR (as root, permissions cannot make it fail).
      await fs.unlink(path.join(root, 'bob', k1));
      await fs.mkdir(path.join(root, 'bob', k1));
      const err = await expectStoreError(d.expunge([k1, k2]), 'temporary');
      expect(err.message).toContain(k1);
    });
    expect((await fs.readdir(path.join(root, 'bob'))).filter((n) => !n.startsWith('.'))).toEqual([k1]);
  });

  it('refuses to work through a released maildrop', async () => {
    await deliverFile(root, 'bob', 'flat', 'a\n', T, '1');
    const d = await storeAt().openMaildrop('bob');
    await d.release();
    await expectStoreError(d.openMessage('1'), 'permanent');
    await expectStoreError(d.expunge(['1']), 'permanent');
  });
});

describe('MaildirStore unique-ids', () => {
  it('keeps the id when another MUA changes flags or moves a message from new/ to cur/', async () => {
    const dir = await createMaildrop(root, 'alice', 'maildir');
    await fs.writeFile(path.join(dir, 'new', `${T}.a`), 'a\n');
    await fs.writeFile(path.join(dir, 'cur', `${T + 1}.b:2,S`), 'b\n');
    const before = await uidsOf(storeAt(), 'alice');
    await fs.rename(path.join(dir, 'new', `${T}.a`), path.join(dir, 'cur', `${T}.a:2,S`));
    await fs.rename(path.join(dir, 'cur', `${T + 1}.b:2,S`), path.join(dir, 'cur', `${T + 1}.b:2,RS`));
    expect(await uidsOf(storeAt(), 'alice')).toEqual(before);
  });

  it('follows a flag rename made during the session, for RETR and for DELE', async () => {
    const dir = await createMaildrop(root, 'alice', 'maildir');
    await fs.writeFile(path.join(dir, 'cur', `${T}.a:2,`), 'a\n');
    await withMaildrop(storeAt(), 'alice', async (d) => {
      await fs.rename(path.join(dir, 'cur', `${T}.a:2,`), path.join(dir, 'cur', `${T}.a:2,S`));
      expect(await readAll(d, `cur/${T}.a:2,`)).toBe('a\n');
      await d.expunge([`cur/${T}.a:2,`]);
    });
    expect(await fs.readdir(path.join(dir, 'cur'))).toEqual([]);
  });

  it('gives a new id to a flat file deleted and re-created under the same name between sessions', async () => {
    await deliverFile(root, 'bob', 'flat', 'first\n', T, '1');
    const [before] = await uidsOf(storeAt(), 'bob');
    await fs.unlink(path.join(root, 'bob', '1'));
    await deliverFile(root, 'bob', 'flat', 'second\n', T + 1, '1');
    const [after] = await uidsOf(storeAt(), 'bob');
    expect(after).not.toBe(before);
  });

  it('keeps ids when the store is re-created (a server restart)', async () => {
    for (let i = 0; i < 3; i++) await deliverFile(root, 'alice', 'maildir', `m${i}\n`, T + i, `m${i}`);
    const before = await uidsOf(storeAt(), 'alice');
    expect(await uidsOf(storeAt(), 'alice')).toEqual(before);
  });

  it('writes the state atomically and removes temp files a crashed writer left', async () => {
    await deliverFile(root, 'alice', 'maildir', 'a\n', T, 'a');
    const dir = path.join(root, 'alice');
    await fs.writeFile(path.join(dir, `${STATE_FILE}.999.deadbeef.tmp`), '{"half":');
    await withMaildrop(storeAt(), 'alice', async (d) => d.expunge([d.messages[0]!.key]));
    expect((await fs.readdir(dir)).filter((n) => n.startsWith('.')).sort()).toEqual([STATE_FILE]);
    const state = JSON.parse(await fs.readFile(path.join(dir, STATE_FILE), 'utf8')) as { next: number; messages: object };
    expect(state.messages).toEqual({});
    expect(state.next).toBe(2); // the counter survives expunge
  });

  it('rebuilds a corrupt state file with a new prefix, logs it, and reuses no id', async () => {
    for (let i = 0; i < 3; i++) await deliverFile(root, 'alice', 'maildir', `m${i}\n`, T + i, `m${i}`);
    const old = await uidsOf(storeAt(), 'alice');
    await fs.writeFile(path.join(root, 'alice', STATE_FILE), '{ this is not json');
    const warnings: string[] = [];
    const store = storeAt({ logger: { warn: (_d, msg) => warnings.push(msg) } });
    const fresh = await uidsOf(store, 'alice');
    expect(warnings.join('\n')).toMatch(/corrupt/);
    for (const uid of fresh) expect(uid).toMatch(UID_FORMAT);
    expect(fresh.filter((u) => old.includes(u))).toEqual([]);
    const prefix = (u: string): string => u.slice(0, u.lastIndexOf('.'));
    expect(prefix(fresh[0]!)).not.toBe(prefix(old[0]!));
  });

  it('rejects a state file with duplicate ids as corrupt', async () => {
    for (let i = 0; i < 2; i++) await deliverFile(root, 'alice', 'maildir', `m${i}\n`, T + i, `m${i}`);
    await uidsOf(storeAt(), 'alice');
    const file = path.join(root, 'alice', STATE_FILE);
    const state = JSON.parse(await fs.readFile(file, 'utf8')) as { messages: Record<string, { uid: string }> };
    const [a, b] = Object.values(state.messages);
    b!.uid = a!.uid;
    await fs.writeFile(file, JSON.stringify(state));
    const uids = await uidsOf(storeAt(), 'alice');
    expect(new Set(uids).size).toBe(2);
  });

  it('starts a new prefix when the state file was deleted', async () => {
    await deliverFile(root, 'alice', 'maildir', 'a\n', T, 'a');
    const [old] = await uidsOf(storeAt(), 'alice');
    await fs.unlink(path.join(root, 'alice', STATE_FILE));
    const [fresh] = await uidsOf(storeAt(), 'alice');
    expect(fresh).not.toBe(old);
  });
});

describe('MaildirStore size cache', () => {
  const counting = (): { calls: string[]; measureSize: (f: string) => Promise<number> } => {
    const calls: string[] = [];
    return { calls, measureSize: async (f) => (calls.push(f), measureCanonicalSize(f)) };
  };

  it('measures each message once, and not again after a restart', async () => {
    for (let i = 0; i < 4; i++) await deliverFile(root, 'alice', 'maildir', `line ${i}\nmore\n`, T + i, `m${i}`);
    const first = counting();
    const sizes = await withMaildrop(storeAt({ measureSize: first.measureSize }), 'alice', async (d) => d.messages.map((m) => m.size));
    expect(first.calls).toHaveLength(4);
    expect(sizes).toEqual([14, 14, 14, 14]);
    const second = counting();
    const again = await withMaildrop(storeAt({ measureSize: second.measureSize }), 'alice', async (d) => d.messages.map((m) => m.size));
    expect(second.calls).toEqual([]);
    expect(again).toEqual(sizes);
  });

  it.each(['sync', 'async'] as const)('writes no state file at a login that changes nothing (%s I/O)', async (storeIo) => {
    for (let i = 0; i < 3; i++) await deliverFile(root, 'alice', 'maildir', `m${i}\n`, T + i, `m${i}`);
    await withMaildrop(storeAt({ storeIo }), 'alice', async () => undefined);
    const file = path.join(root, 'alice', STATE_FILE);
    const before = await fs.stat(file, { bigint: true });
    await withMaildrop(storeAt({ storeIo }), 'alice', async () => undefined);
    await withMaildrop(storeAt({ storeIo }), 'alice', async () => undefined);
    const after = await fs.stat(file, { bigint: true });
    expect([after.ino, after.mtimeNs, after.ctimeNs]).toEqual([before.ino, before.mtimeNs, before.ctimeNs]); // a save renames a new file in
  });

  it('re-measures a message whose file changed', async () => {
    const key = await deliverFile(root, 'bob', 'flat', 'a\n', T, '1');
    await withMaildrop(storeAt(), 'bob', async () => undefined);
    await fs.appendFile(path.join(root, 'bob', key), 'b\nc');
    const c = counting();
    const sizes = await withMaildrop(storeAt({ measureSize: c.measureSize }), 'bob', async (d) => d.messages.map((m) => m.size));
    expect(c.calls).toHaveLength(1);
    expect(sizes).toEqual([9]);
  });

  it('measures a message larger than one read chunk by streaming', async () => {
    const line = `${'x'.repeat(99)}\n`;
    await deliverFile(root, 'alice', 'maildir', line.repeat(20_000), T, 'big');
    const [size] = await withMaildrop(storeAt(), 'alice', async (d) => d.messages.map((m) => m.size));
    expect(size).toBe(101 * 20_000);
  });
});

/** The lock is a symlink: lstat, since access() and stat() follow it to a target that is no file. */
const lockExists = (dir: string): Promise<boolean> => fs.lstat(path.join(dir, LOCK_FILE)).then(() => true, () => false);
/** An owner record (lock-owner.ts): <pid>.<host hash>.<nonce>.<token>. */
const record = (pid: number, opts: { host?: string; nonce?: string; token?: string } = {}): string =>
  `${pid}.${opts.host ?? HOST_HASH}.${opts.nonce ?? '0123456789abcdef'}.${opts.token ?? '1'}`;
const deadPid = async (): Promise<number> => {
  const child = spawn(process.execPath, ['-e', ''], { stdio: 'ignore' });
  await once(child, 'exit');
  return child.pid!;
};

describe.each(['sync', 'async'] as const)('MaildirStore lock (%s I/O)', (storeIo) => {
  let holders: LockHolder[] = [];
  afterEach(async () => {
    await Promise.all(holders.map((h) => killHard(h.child)));
    holders = [];
  });
  const hold = (user: string): LockHolder => {
    const h = spawnLockHolder(root, user);
    holders.push(h);
    return h;
  };
  const lockingStore = (): MaildirStore => storeAt({ storeIo });

  it('excludes sessions of two store instances in one process', async () => {
    await createMaildrop(root, 'alice', 'maildir');
    const d = await lockingStore().openMaildrop('alice');
    await expectStoreError(lockingStore().openMaildrop('alice'), 'in-use');
    await d.release();
  });

  it('is a symlink naming this process and host, short enough to live in the inode, and gone after release', async () => {
    const dir = await createMaildrop(root, 'alice', 'maildir');
    const d = await lockingStore().openMaildrop('alice');
    expect((await fs.lstat(path.join(dir, LOCK_FILE))).isSymbolicLink()).toBe(true);
    const target = await fs.readlink(path.join(dir, LOCK_FILE));
    expect(target).toMatch(new RegExp(`^${process.pid}\\.${HOST_HASH}\\.[0-9a-f]{16}\\.[0-9a-z]+$`));
    expect(Buffer.byteLength(target)).toBeLessThan(60);
    await d.release();
    expect(await lockExists(dir)).toBe(false);
  });

  it('excludes another process, and recovers the lock after that process is killed', async () => {
    await deliverFile(root, 'alice', 'maildir', 'a\n', T, 'a');
    const holder = hold('alice');
    expect(await holder.nextLine()).toBe('locked 1');
    await expectStoreError(lockingStore().openMaildrop('alice'), 'in-use');
    await killHard(holder.child); // SIGKILL: the lock stays, naming a dead pid
    expect(await lockExists(path.join(root, 'alice'))).toBe(true);
    const d = await lockingStore().openMaildrop('alice');
    expect(d.messages).toHaveLength(1);
    await d.release();
  });

  it('is released by another process on request, after which this process can open', async () => {
    await createMaildrop(root, 'bob', 'flat');
    const holder = hold('bob');
    expect(await holder.nextLine()).toBe('locked 0');
    await expectStoreError(lockingStore().openMaildrop('bob'), 'in-use');
    holder.child.stdin.write('release\n');
    expect(await holder.nextLine()).toBe('released');
    await withMaildrop(lockingStore(), 'bob', async () => undefined);
  });

  it('makes another process fail with in-use while this process holds the lock', async () => {
    await createMaildrop(root, 'alice', 'maildir');
    const d = await lockingStore().openMaildrop('alice');
    const holder = hold('alice');
    expect(await holder.nextLine()).toBe('error in-use');
    await d.release();
  });

  it('breaks a lock left by a dead process of this host', async () => {
    const dir = await createMaildrop(root, 'alice', 'maildir');
    await fs.symlink(record(await deadPid()), path.join(dir, LOCK_FILE));
    await withMaildrop(lockingStore(), 'alice', async () => undefined);
    expect(await lockExists(dir)).toBe(false);
  });

  it("breaks a lock naming this process's pid from an earlier process (a restarted container)", async () => {
    const dir = await createMaildrop(root, 'alice', 'maildir');
    await fs.symlink(record(process.pid, { nonce: 'ea71e71fe0000000' }), path.join(dir, LOCK_FILE));
    await withMaildrop(lockingStore(), 'alice', async () => undefined);
  });

  it('breaks a lock of this very process that a release could not remove (read-only maildrop at QUIT)', async () => {
    const dir = await createMaildrop(root, 'alice', 'maildir');
    const lockFile = path.join(dir, LOCK_FILE);
    const d = await lockingStore().openMaildrop('alice');
    const ours = await fs.readlink(lockFile);
    await d.release();
    await fs.symlink(ours, lockFile); // as if the unlink in release() had failed
    await withMaildrop(lockingStore(), 'alice', async () => undefined);
    // ...while a lock a session of ours still holds is respected, same pid and nonce as it is.
    const live = await lockingStore().openMaildrop('alice');
    await expectStoreError(lockingStore().openMaildrop('alice'), 'in-use');
    await live.release();
  });

  it('respects a lock held on another host, and a symlink that is no owner record', async () => {
    const dir = await createMaildrop(root, 'alice', 'maildir');
    const otherHost = HOST_HASH === '00000000' ? '11111111' : '00000000';
    await fs.symlink(record(await deadPid(), { host: otherHost }), path.join(dir, LOCK_FILE));
    await expectStoreError(lockingStore().openMaildrop('alice'), 'in-use');
    await fs.unlink(path.join(dir, LOCK_FILE));
    await fs.symlink('/some/other/program', path.join(dir, LOCK_FILE));
    await expectStoreError(lockingStore().openMaildrop('alice'), 'in-use');
  });

  it("judges an older popcheck's JSON lock file by its own rules: live respected, dead, or unreadable and old, broken", async () => {
    const dir = await createMaildrop(root, 'alice', 'maildir');
    const lockFile = path.join(dir, LOCK_FILE);
    const json = (pid: number): string => JSON.stringify({ pid, hostname: os.hostname(), nonce: 'n', token: 't', createdAt: '' });
    await fs.writeFile(lockFile, json(process.ppid)); // our parent: alive
    await expectStoreError(lockingStore().openMaildrop('alice'), 'in-use');
    expect(await fs.readFile(lockFile, 'utf8')).toBe(json(process.ppid)); // left as it was
    await fs.writeFile(lockFile, json(await deadPid()));
    await withMaildrop(lockingStore(), 'alice', async () => undefined);
    expect(await lockExists(dir)).toBe(false);

    await fs.writeFile(lockFile, ''); // still being written by an old server
    await expectStoreError(lockingStore().openMaildrop('alice'), 'in-use');
    const old = new Date(Date.now() - 60_000);
    await fs.utimes(lockFile, old, old); // empty and old: its writer died
    await withMaildrop(lockingStore(), 'alice', async () => undefined);
  });
});

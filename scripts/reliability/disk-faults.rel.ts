/**
 * Issue 8, faults: a full disk or a read-only file while the UIDL state file, the users file or
 * the metrics snapshot is written. The old file must stay intact (byte for byte, no temp file left
 * behind), the error must be logged and reported, and the server must go on once the disk is back.
 *
 * Full disks are small tmpfs mounts filled to the last block (support/mounts.ts); read-only is the
 * immutable attribute (chattr +i: nobody, root included, can rename over the file) and, for a whole
 * maildrop, a read-only bind mount. All of it needs root and mount(2); the suite stops with a clear
 * message where the sandbox does not allow it.
 */
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createUserEntry, formatUserLine } from '../../src/auth/users-file.js';
import { Pop3Client } from '../../src/client/pop3-client.js';
import { ManagerClient } from '../../src/manager/client.js';
import { readTokenFile } from '../../src/manager/token.js';
import { deliver, makeMaildir, message } from './support/maildir.js';
import { bindReadOnly, canMount, canSetImmutable, fillDisk, freeDisk, leaveFreeBlocks, mountTmpfs, setImmutable } from './support/mounts.js';
import { expectOk, normalSession } from './support/pop3.js';
import { record } from './support/report.js';
import { ServerProcess } from './support/server-process.js';
import { waitForFile, waitForWriteAttempt } from './support/watch.js';

const build = inject('popcheckBuild');
const HOST = '127.0.0.1';
const STATE = '.popcheck-state.json';

let base: string;
const undo: Array<() => Promise<void>> = [];
const findings: Record<string, unknown> = {};

beforeAll(async () => {
  base = await fs.mkdtemp(path.join(os.tmpdir(), 'popcheck-rel-disk-'));
  if (!(await canMount(base))) throw new Error('this sandbox does not allow mount(2) (tmpfs): the disk-full tests cannot run here');
  if (!(await canSetImmutable(base))) throw new Error('chattr +i does not work here: the read-only tests cannot run here');
});

afterAll(async () => {
  for (const u of undo.reverse()) await u().catch(() => undefined);
  await fs.rm(base, { recursive: true, force: true });
  record('disk-faults', findings);
});

/** Temp files a writer may have left next to `file` (writeFileAtomic's and the users file's). */
async function leftovers(file: string): Promise<string[]> {
  const dir = path.dirname(file);
  const name = path.basename(file);
  return (await fs.readdir(dir)).filter((n) => n !== name && n.includes(name) && n.endsWith('.tmp'));
}

async function login(port: number, user: string): Promise<{ client: Pop3Client; pass: string }> {
  const { client, greeting } = await Pop3Client.open({ host: HOST, port, timeoutMs: 10_000 });
  expectOk(greeting, 'greeting');
  expectOk(await client.command('USER', user), 'USER');
  return { client, pass: (await client.command('PASS', 'pw')).text };
}

async function uidl(port: number, user: string): Promise<string[]> {
  const { client, pass } = await login(port, user);
  try {
    expect(pass).toMatch(/^\+OK/);
    const r = await client.multi('UIDL');
    expectOk(await client.command('QUIT'), 'QUIT');
    return r.body!.data.toString('latin1').trim().split('\r\n').map((l) => l.split(' ')[1]!);
  } finally {
    client.destroy();
  }
}

describe('the UIDL state file', () => {
  let root: string;
  let server: ServerProcess;
  const users = ['full', 'ro', 'roupdate', 'romount'];

  beforeAll(async () => {
    root = path.join(base, 'mail');
    undo.push(await mountTmpfs(root, 4 * 1024 * 1024));
    for (const u of users) {
      const dir = await makeMaildir(root, u);
      for (let i = 1; i <= 3; i++) await deliver(dir, `170000000${i}.m${i}.rel`, message(`${u}-${i}`));
    }
    server = await ServerProcess.start({
      build,
      args: [...users.flatMap((u) => ['-u', `${u}:pw`]), '-d', root, '--listen', `${HOST}:0`, '--no-manager', '--metrics-file', path.join(base, 'state-metrics.json')],
    });
  });

  afterAll(async () => {
    await server?.stop();
  });

  it('disk full at login: -ERR [SYS/TEMP], the old state intact and logged; later the new message gets a new id, old ids unchanged', async () => {
    const dir = path.join(root, 'full');
    const uids = await uidl(server.port, 'full');
    const before = await fs.readFile(path.join(dir, STATE));
    await deliver(dir, '1700000004.m4.rel', message('full-4')); // the next login must record a new id
    await leaveFreeBlocks(root, 0); // the lock is a symlink kept in the inode (no block); none for the new state
    try {
      const { client, pass } = await login(server.port, 'full');
      client.destroy();
      expect(pass).toMatch(/^-ERR \[SYS\/TEMP\] /);
      expect((await fs.readFile(path.join(dir, STATE))).equals(before)).toBe(true);
      expect(await leftovers(path.join(dir, STATE))).toEqual([]);
      await expect(fs.lstat(path.join(dir, '.popcheck.lock'))).rejects.toThrow(); // released (lstat: the lock is a symlink to no file)
    } finally {
      await freeDisk(root);
    }
    const after = await uidl(server.port, 'full');
    expect(after.slice(0, 3)).toEqual(uids);
    expect(after).toHaveLength(4);
    expect(uids).not.toContain(after[3]);
    findings.stateDiskFull = { reply: '-ERR [SYS/TEMP]', oldFileIntact: true };
  });

  it('read-only (chattr +i) at login: refused with [SYS/PERM], the old state intact and logged', async () => {
    const dir = path.join(root, 'ro');
    await uidl(server.port, 'ro');
    const file = path.join(dir, STATE);
    const before = await fs.readFile(file);
    await deliver(dir, '1700000004.m4.rel', message('ro-4'));
    await setImmutable(file, true);
    try {
      const { client, pass } = await login(server.port, 'ro');
      client.destroy();
      expect(pass).toMatch(/^-ERR \[SYS\/(PERM|TEMP)\] /);
      expect((await fs.readFile(file)).equals(before)).toBe(true);
      expect(await leftovers(file)).toEqual([]);
      findings.stateReadOnlyLogin = { reply: pass };
    } finally {
      await setImmutable(file, false);
    }
    expect(await uidl(server.port, 'ro')).toHaveLength(4);
  });

  it('read-only (chattr +i) at UPDATE: the messages are removed, the state file intact, the failure logged; the next login prunes', async () => {
    const dir = path.join(root, 'roupdate');
    const uids = await uidl(server.port, 'roupdate');
    const file = path.join(dir, STATE);
    const before = await fs.readFile(file);
    const { client, pass } = await login(server.port, 'roupdate');
    expect(pass).toMatch(/^\+OK/);
    await setImmutable(file, true);
    let quit: string;
    try {
      expectOk(await client.command('DELE', 1), 'DELE');
      quit = (await client.command('QUIT')).text;
      await client.waitForClose();
      expect((await fs.readFile(file)).equals(before)).toBe(true);
      expect(await leftovers(file)).toEqual([]);
    } finally {
      client.destroy();
      await setImmutable(file, false);
    }
    // RFC 1939 §6: the deletion happened, so +OK; the state is repaired at the next login.
    expect(quit).toMatch(/^\+OK/);
    expect(await uidl(server.port, 'roupdate')).toEqual(uids.slice(1));
    findings.stateReadOnlyUpdate = { reply: quit };
  });

  it('maildrop read-only (bind mount) during a session: QUIT reports the failure, nothing is lost, and the next login succeeds once it is writable again', async () => {
    const dir = path.join(root, 'romount');
    const uids = await uidl(server.port, 'romount');
    const files = (await fs.readdir(path.join(dir, 'new'))).sort();
    const { client, pass } = await login(server.port, 'romount');
    expect(pass).toMatch(/^\+OK/);
    const writable = await bindReadOnly(dir);
    let quit: string;
    try {
      expectOk(await client.command('DELE', 1), 'DELE');
      quit = (await client.command('QUIT')).text;
      await client.waitForClose();
    } finally {
      client.destroy();
      await writable();
    }
    expect(quit).toMatch(/^-ERR \[SYS\/(TEMP|PERM)\] /);
    expect((await fs.readdir(path.join(dir, 'new'))).sort()).toEqual(files); // nothing removed
    findings.maildropReadOnlyMount = { quit, lockFileLeft: await fs.lstat(path.join(dir, '.popcheck.lock')).then(() => true, () => false) };
    // Writable again: the maildrop must not stay locked by the lock file UPDATE could not remove.
    const { client: again, pass: pass2 } = await login(server.port, 'romount');
    again.destroy();
    findings.maildropReadOnlyMount = { ...(findings.maildropReadOnlyMount as object), nextLogin: pass2 };
    expect(pass2).toMatch(/^\+OK/);
    expect(await uidl(server.port, 'romount')).toEqual(uids);
  });

  it('logged every one of these failures (checked once the server has stopped and flushed its log)', async () => {
    await server.stop();
    const lines = server.stderr().split('\n');
    const has = (...parts: RegExp[]): boolean => lines.some((l) => parts.every((p) => p.test(l)));
    expect(has(/"msg":"maildrop not opened"/, /"user":"full"/, /ENOSPC/), 'disk full at login').toBe(true);
    expect(has(/"msg":"maildrop not opened"/, /"user":"ro"/, /EPERM/), 'read-only state file at login').toBe(true);
    expect(has(/cannot update the maildrop state after expunge/, /roupdate/, /EPERM/), 'read-only state file at UPDATE').toBe(true);
    expect(has(/UPDATE could not remove every deleted message/, /"user":"romount"/), 'read-only maildrop at UPDATE').toBe(true);
  });
});

describe('the users file and the metrics snapshot', () => {
  let etc: string;
  let metricsDir: string;
  let usersFile: string;
  let metricsFile: string;
  let server: ServerProcess;
  let manager: ManagerClient;
  let root: string;

  beforeAll(async () => {
    etc = path.join(base, 'etc');
    metricsDir = path.join(base, 'metrics');
    undo.push(await mountTmpfs(etc, 1024 * 1024));
    undo.push(await mountTmpfs(metricsDir, 1024 * 1024));
    usersFile = path.join(etc, 'users');
    metricsFile = path.join(metricsDir, 'metrics.json');
    root = path.join(base, 'mail2');
    // alice is the user the manager tests add around and try to delete; mia only logs in (metrics).
    const lines: string[] = [];
    for (const u of ['alice', 'mia']) {
      await makeMaildir(root, u);
      await deliver(path.join(root, u), '1700000001.m1.rel', message(`${u}-1`));
      // A low scrypt cost: this test is about the writes, not the hashes.
      const { entry } = await createUserEntry(u, 'pw', { scrypt: { N: 1024, r: 8, p: 1 } });
      lines.push(formatUserLine(entry));
    }
    await fs.writeFile(usersFile, `${lines.join('\n')}\n`, { mode: 0o600 });
    const tokenFile = path.join(base, 'manager.token');
    server = await ServerProcess.start({
      build,
      args: ['--users', usersFile, '-d', root, '--listen', `${HOST}:0`, '-P', '0', '--manager-token-file', tokenFile, '--metrics-file', metricsFile, '--auth-delay', '0', '--auth-max-failures', '0'],
    });
    const port = Number(/manager listening on [^\s]*:(\d+)/.exec(server.stdout())?.[1]);
    manager = await ManagerClient.connect({ host: HOST, port, token: await readTokenFile(tokenFile), timeoutsMs: [5000] });
  });

  afterAll(async () => {
    manager?.close();
    await server?.stop();
  });

  const pop3Login = async (user: string, pass: string): Promise<string> => {
    const { client } = await Pop3Client.open({ host: HOST, port: server.port, timeoutMs: 10_000 });
    try {
      await client.command('USER', user);
      const r = (await client.command('PASS', pass)).text;
      await client.command('QUIT');
      return r;
    } finally {
      client.destroy();
    }
  };
  const listed = async (): Promise<string[]> => [...((await manager.request('USERS')).lines ?? [])];

  it('users file, disk full: ADD is refused with [SYS], the file keeps its bytes, the error is logged', async () => {
    const before = await fs.readFile(usersFile);
    await fillDisk(etc);
    try {
      const r = await manager.request('ADD zoe:zoe-password');
      expect(r.ok).toBe(false);
      expect(r.code).toBe('SYS');
      expect((await fs.readFile(usersFile)).equals(before)).toBe(true);
      expect((await fs.readdir(etc)).filter((n) => n.endsWith('.tmp'))).toEqual([]);
    } finally {
      await freeDisk(etc);
    }
    findings.usersFileDiskFull = { reply: '-ERR [SYS]', oldFileIntact: true };
  });

  it('users file, disk full: the refused ADD is not half-applied (zoe not listed, cannot log in, can be added once there is room)', async () => {
    const r = { listed: (await listed()).includes('zoe'), login: await pop3Login('zoe', 'zoe-password') };
    findings.refusedAddApplied = r;
    expect(r.listed, 'USERS lists zoe although ADD answered -ERR').toBe(false);
    expect(r.login, 'zoe logs in although ADD answered -ERR').toMatch(/^-ERR/);
    const again = await manager.request('ADD zoe:zoe-password');
    expect(again.ok, `ADD after the disk is back: ${again.code} ${again.text}`).toBe(true);
  });

  it('users file, disk full: a refused DEL leaves the user able to log in, as the file says', async () => {
    const before = await fs.readFile(usersFile);
    await fillDisk(etc);
    let r;
    try {
      r = await manager.request('DEL alice');
    } finally {
      await freeDisk(etc);
    }
    expect(r.ok).toBe(false);
    expect((await fs.readFile(usersFile)).equals(before)).toBe(true);
    const login = await pop3Login('alice', 'pw');
    findings.refusedDelApplied = { reply: `${r.code} ${r.text}`, aliceLogin: login };
    expect(login, 'alice cannot log in although DEL answered -ERR and the file still has her').toMatch(/^\+OK/);
  });

  it('users file, read-only (chattr +i): ADD is refused, the file keeps its bytes', async () => {
    const before = await fs.readFile(usersFile);
    await setImmutable(usersFile, true);
    try {
      const r = await manager.request('ADD yuri:yuri-password');
      expect(r.ok).toBe(false);
      expect((await fs.readFile(usersFile)).equals(before)).toBe(true);
      expect((await fs.readdir(etc)).filter((n) => n.endsWith('.tmp'))).toEqual([]);
    } finally {
      await setImmutable(usersFile, false);
    }
  });

  it('metrics snapshot, disk full then read-only: the periodic save fails, the old snapshot stays; nothing is lost once writable', async () => {
    // A first snapshot (saved every 5 s while counters change).
    await normalSession({ host: HOST, port: server.port, user: 'mia', pass: 'pw' });
    const first = await waitForFile(metricsFile, () => true, 15_000);
    // Disk full: the next save (a temp file written, then renamed) fails; the temp file goes again.
    await fillDisk(metricsDir);
    try {
      const attempt = waitForWriteAttempt(metricsFile, 15_000);
      await normalSession({ host: HOST, port: server.port, user: 'mia', pass: 'pw' });
      await attempt.done;
      expect((await fs.readFile(metricsFile)).equals(first)).toBe(true);
      expect(await leftovers(metricsFile)).toEqual([]);
    } finally {
      await freeDisk(metricsDir);
    }
    // Room again: the counters of the failed period are saved too (nothing lost).
    const sessionsNow = (JSON.parse(first.toString()) as { sessionsTotal: number }).sessionsTotal;
    const second = await waitForFile(metricsFile, (c) => (JSON.parse(c.toString()) as { sessionsTotal: number }).sessionsTotal >= sessionsNow + 1, 15_000);
    // Read-only (immutable): the same.
    await setImmutable(metricsFile, true);
    try {
      const attempt = waitForWriteAttempt(metricsFile, 15_000);
      await normalSession({ host: HOST, port: server.port, user: 'mia', pass: 'pw' });
      await attempt.done;
      expect((await fs.readFile(metricsFile)).equals(second)).toBe(true);
      expect(await leftovers(metricsFile)).toEqual([]);
    } finally {
      await setImmutable(metricsFile, false);
    }
    findings.metricsSnapshot = { diskFull: 'save failed, old snapshot intact, saved later', readOnly: 'save failed, old snapshot intact' };
  }, 90_000);

  it('metrics snapshot, disk full at SIGTERM: the old snapshot stays, the failure is reported', async () => {
    await normalSession({ host: HOST, port: server.port, user: 'mia', pass: 'pw' }); // counters dirty
    const before = await fs.readFile(metricsFile);
    await fillDisk(metricsDir);
    try {
      const exit = await server.stop();
      const tail = server.stderr().trim().split('\n').slice(-3).join('\n');
      findings.metricsAtStop = { exit, enospc: server.stderr().split('\n').filter((l) => /ENOSPC/.test(l)).map((l) => l.slice(0, 300)), lastStderr: tail.slice(-300) };
      expect((await fs.readFile(metricsFile)).equals(before)).toBe(true);
      expect(await leftovers(metricsFile)).toEqual([]);
      expect(server.stderr()).toMatch(/ENOSPC/);
      // A failed final save is a failed stop, said as such: not "cannot start", and exit 1.
      expect(server.stderr()).toMatch(/stopped, but the final metrics snapshot was not saved: .*ENOSPC/);
      expect(server.stderr()).not.toMatch(/cannot start/);
      expect(exit.code).toBe(1);
    } finally {
      await freeDisk(metricsDir);
    }
    // Every failure of this part was logged (the log is complete now that the server has stopped).
    const lines = server.stderr().split('\n');
    const has = (...parts: RegExp[]): boolean => lines.some((l) => parts.every((p) => p.test(l)));
    expect(has(/manager: command failed/, /"verb":"ADD"/, /ENOSPC/), 'ADD on a full disk').toBe(true);
    expect(has(/manager: command failed/, /"verb":"DEL"/, /ENOSPC/), 'DEL on a full disk').toBe(true);
    expect(has(/manager: command failed/, /"verb":"ADD"/, /EPERM/), 'ADD on an immutable file').toBe(true);
    expect(lines.filter((l) => /"msg":"metrics not saved"/.test(l) && /ENOSPC/.test(l)).length).toBeGreaterThanOrEqual(1);
    expect(lines.filter((l) => /"msg":"metrics not saved"/.test(l) && /EPERM/.test(l)).length).toBeGreaterThanOrEqual(1);
  });
});

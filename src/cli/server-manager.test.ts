/**
 * Issue 6, tried as a user would: start the server with a users file, add a user with the manager,
 * log in as that user over POP3, see the counters move, restart, and find both still there.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { UsersFile } from '../auth/users-file.js';
import { Pop3Client } from '../client/pop3-client.js';
import { ManagerClient } from '../manager/index.js';
import { startServerProcess, type ServerProcess } from './testing/server-process.js';

let dir: string;
const running: ServerProcess[] = [];
beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'popcheck-manager-'));
});
afterEach(async () => {
  for (const p of running.splice(0)) await p.stop('SIGKILL');
  await rm(dir, { recursive: true, force: true });
});

async function start(): Promise<{ p: ServerProcess; manager: ManagerClient }> {
  const p = await startServerProcess(['server', '--users', path.join(dir, 'users.txt'), '-d', path.join(dir, 'mail'), '-p', '0', '--manager-token-file', path.join(dir, 'token'), '--log-level', 'warn']);
  running.push(p);
  const port = Number(/manager listening on 127\.0\.0\.1:(\d+)/.exec(p.stdout())![1]);
  const token = (await readFile(path.join(dir, 'token'), 'utf8')).trim();
  return { p, manager: await ManagerClient.connect({ host: '127.0.0.1', port, token }) };
}

const stat = (lines: readonly string[] | undefined, key: string): number => Number(lines?.find((l) => l.startsWith(`${key}=`))?.split('=')[1]);

describe('popcheck server with its management plane', () => {
  it('adds a user who can log in at once, and keeps users and counters across a restart', async () => {
    const users = await UsersFile.load(path.join(dir, 'users.txt'), { createIfMissing: true, scrypt: { N: 1024, r: 8, p: 1 } });
    await users.add('alice', 'wonderland');
    await users.save();
    const first = await start();
    expect((await first.manager.request('ADD zoe:zebra123')).ok).toBe(true);
    const { client } = await Pop3Client.open({ host: '127.0.0.1', port: first.p.port });
    await client.command('USER', 'zoe');
    expect((await client.command('PASS', 'zebra123')).ok).toBe(true);
    await client.command('QUIT');
    await client.waitForClose();
    const before = await first.manager.request('STATS');
    expect(stat(before.lines, 'sessions.total')).toBe(1);
    expect(stat(before.lines, 'logins')).toBe(1);
    first.manager.close();
    expect(await first.p.stop()).toBe(0);

    const second = await start();
    expect((await second.manager.request('USERS')).lines).toEqual(expect.arrayContaining(['alice', 'zoe']));
    const after = await second.manager.request('STATS');
    expect(stat(after.lines, 'sessions.total')).toBe(1);
    expect(stat(after.lines, 'logins')).toBe(1);
    second.manager.close();
  });
});

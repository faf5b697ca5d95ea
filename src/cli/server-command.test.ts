/**
 * `popcheck server` as a process: flags, the demo, signals, locks across processes and restarts.
 */
import { cp, mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { UsersFile } from '../auth/users-file.js';
import { Pop3Client } from '../client/pop3-client.js';
import { ensureSelfSignedCertificate } from '../tls/index.js';
import { DEMO_DIR } from './demo.js';
import { runPopcheck, startServerProcess, type ServerProcess } from './testing/server-process.js';

let root: string;
const running: ServerProcess[] = [];

beforeEach(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), 'popcheck-cli-'));
  await cp(path.join(DEMO_DIR, 'maildrops'), root, { recursive: true });
});
afterEach(async () => {
  for (const p of running.splice(0)) await p.stop('SIGKILL');
  await rm(root, { recursive: true, force: true });
});

async function start(...extra: string[]): Promise<ServerProcess> {
  const p = await startServerProcess(['server', '-u', 'alice:wonderland', '-u', 'bob:builder', '-d', root, '-p', '0', '--log-level', 'warn', ...extra]);
  running.push(p);
  return p;
}

async function login(port: number, user = 'alice', pass = 'wonderland'): Promise<{ client: Pop3Client; ok: boolean; code: string | undefined }> {
  const { client } = await Pop3Client.open({ host: '127.0.0.1', port });
  await client.command('USER', user);
  const r = await client.command('PASS', pass);
  return { client, ok: r.ok, code: r.status?.code };
}

describe('popcheck server flags', () => {
  it('a bad flag prints one line and exits 2', async () => {
    const r = await runPopcheck(['server', '--no-such-flag']);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/unknown option/);
  });

  it('a bad port and -u without -d exit 2 with a clear line', async () => {
    const port = await runPopcheck(['server', '-p', '70000']);
    expect(port.code).toBe(2);
    expect(port.stderr).toMatch(/not a port number/);
    const noDir = await runPopcheck(['server', '-u', 'a:b']);
    expect(noDir.code).toBe(2);
    expect(noDir.stderr).toMatch(/-u needs -d/);
  });

  it('-h documents every flag and -v prints the version', async () => {
    const help = await runPopcheck(['server', '-h']);
    expect(help.code).toBe(0);
    for (const flag of ['--user', '--maildir', '--port', '--manager-port', '--listen', '--idle-timeout', '--max-command-octets', '--login-delay', '--store-io', '--workers']) {
      expect(help.stdout).toContain(flag);
    }
    const version = await runPopcheck(['-v']);
    expect(version.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('with no arguments serves the demo, and SIGTERM stops it cleanly and removes the copy', async () => {
    const p = await startServerProcess(['server', '-p', '0', '--log-level', 'warn']);
    running.push(p);
    expect(p.stdout()).toMatch(/alice \/ wonderland/);
    const demoRoot = /mail root: (\S+)/.exec(p.stdout())![1]!;
    const { client, ok } = await login(p.port);
    expect(ok).toBe(true);
    const { body } = await client.multi('RETR', 1);
    expect(body!.data.toString()).toMatch(/^Return-Path:/);
    expect(await p.stop()).toBe(0);
    await expect(stat(demoRoot)).rejects.toThrow(/ENOENT/);
  });
});

describe('popcheck server on a Maildir', () => {
  it('locks a maildrop across two processes, and recovers the lock of a killed one', async () => {
    const a = await start();
    const b = await start();
    const first = await login(a.port);
    expect(first.ok).toBe(true);
    const second = await login(b.port);
    expect(second.code).toBe('IN-USE');
    second.client.destroy();
    await a.stop('SIGKILL');
    const third = await login(b.port);
    expect(third.ok).toBe(true);
  });

  it('keeps UIDLs across a restart, and QUIT after DELE removes exactly that file', async () => {
    const p = await start();
    const { client } = await login(p.port);
    const before = (await client.multi('UIDL')).body!.data.toString().trim().split('\r\n');
    await client.command('DELE', 2);
    expect((await client.command('QUIT')).ok).toBe(true);
    await client.waitForClose();
    expect(await p.stop()).toBe(0);
    const files = await readdir(path.join(root, 'alice', 'cur'));
    expect(files).toHaveLength(8);

    const again = await start();
    const c2 = (await login(again.port)).client;
    const after = (await c2.multi('UIDL')).body!.data.toString().trim().split('\r\n');
    const ids = (lines: string[]) => lines.map((l) => l.split(' ')[1]);
    expect(ids(after)).toEqual(ids(before).filter((_, i) => i !== 1));
  });

  it('--workers 2 serves from two processes and keeps the maildrop lock exclusive across them', async () => {
    const p = await start('--workers', '2');
    expect(p.stdout()).toMatch(/2 worker processes/);
    const holders = await Promise.all([login(p.port), login(p.port), login(p.port), login(p.port)]);
    expect(holders.filter((h) => h.ok)).toHaveLength(1);
    expect(holders.filter((h) => h.code === 'IN-USE')).toHaveLength(3);
    expect(await p.stop()).toBe(0);
  });

  it('serves a hashed users file with STLS and implicit TLS', async () => {
    const file = path.join(root, 'users.txt');
    const users = await UsersFile.load(file, { createIfMissing: true, scrypt: { N: 1024, r: 8, p: 1 } });
    await users.add('alice', 'hashed secret');
    await users.save();
    const cert = await ensureSelfSignedCertificate(path.join(root, 'tls'));
    const p = await startServerProcess(['server', '--users', file, '-d', root, '-p', '0', '--tls-port', '0', '--tls-cert', cert.certPath, '--tls-key', cert.keyPath, '--log-level', 'warn']);
    running.push(p);
    expect(p.stdout()).toContain(cert.fingerprint);
    const tlsPort = Number(/listening on \S+:(\d+) \(implicit TLS\)/.exec(p.stdout())![1]);
    const { client } = await Pop3Client.open({ host: '127.0.0.1', port: tlsPort, tls: { rejectUnauthorized: false } });
    await client.command('USER', 'alice');
    expect((await client.command('PASS', 'hashed secret')).ok).toBe(true);
    const plain = await Pop3Client.open({ host: '127.0.0.1', port: p.port });
    expect((await plain.client.command('STLS')).ok).toBe(true);
    await plain.client.startTls({ rejectUnauthorized: false });
    await plain.client.command('USER', 'alice');
    expect((await plain.client.command('PASS', 'wrong')).status?.code).toBe('AUTH');
    client.destroy();
    plain.client.destroy();
  });

  it('refuses -u together with --users, and a TLS key without a certificate', async () => {
    expect((await runPopcheck(['server', '-u', 'a:b', '--users', 'x', '-d', root])).stderr).toMatch(/either with -u\/--apop-user or with --users/);
    const r = await runPopcheck(['server', '-u', 'alice:x', '-d', root, '--tls-key', 'k.pem']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--tls-cert and --tls-key go together/);
  });

  it('a session killed with the server removes nothing', async () => {
    const p = await start();
    const { client } = await login(p.port);
    await client.command('DELE', 1);
    await p.stop('SIGKILL');
    expect(await readdir(path.join(root, 'alice', 'cur'))).toHaveLength(9);
  });
});

/**
 * Issue 8, hostile user names: "../", "/", NUL, control bytes, 10 KB, non-UTF-8 bytes (sent raw),
 * through every way a name reaches the server (USER/PASS, APOP, AUTH PLAIN, AUTH LOGIN, the
 * manager's ADD) are refused, and no file outside the mail root is ever read, written or created.
 *
 * The honeypot sits next to the mail root: <fs>/honeypot (a Maildir with a message and a bait
 * state file), <fs>/x (the target of root/../x), <fs>/root-evil (what "root" + "-evil" would name).
 * Every entry is given old, whole-second times; <fs> is a tmpfs mounted with strictatime where
 * mounting is allowed (else relatime still updates an atime older than a day), and a control file
 * proves that a read would show. Before/after: a recursive listing with type, size, inode, mode,
 * atime, mtime and contents (read with O_NOATIME) must be identical.
 *
 * Part 1: a real `popcheck server` (credentials fail first: the names never reach the store).
 * Part 2: in process, a user directory that accepts ANY name, so every name does reach the
 * MaildirStore: its own guard must refuse them.
 */
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { UserDirectory } from '../../src/auth/types.js';
import { Pop3Client } from '../../src/client/pop3-client.js';
import { ManagerClient } from '../../src/manager/client.js';
import { readTokenFile } from '../../src/manager/token.js';
import { createServer } from '../../src/server/index.js';
import { createMaildrop, MaildirStore } from '../../src/store/maildir-store.js';
import { StoreError } from '../../src/store/types.js';
import { deliver, diffTrees, makeMaildir, message, snapshotTree, type TreeSnapshot } from './support/maildir.js';
import { canMount, mountTmpfs } from './support/mounts.js';
import { record } from './support/report.js';
import { ServerProcess } from './support/server-process.js';

const build = inject('popcheckBuild');
const HOST = '127.0.0.1';
/** Old, whole-second times (a read moves atime to now under relatime as well as strictatime). */
const OLD_ATIME = Math.floor(Date.now() / 1000) - 3 * 86_400;
const OLD_MTIME = OLD_ATIME - 86_400;

let base: string;
let top: string;
let root: string;
let unmount: (() => Promise<void>) | undefined;
let honeypotAbs: string;

const b = (s: string): Buffer => Buffer.from(s, 'latin1');

/** The hostile names, as raw bytes. */
function hostileNames(): Array<{ label: string; bytes: Buffer }> {
  return [
    { label: '../honeypot', bytes: b('../honeypot') },
    { label: '..', bytes: b('..') },
    { label: '.', bytes: b('.') },
    { label: '/', bytes: b('/') },
    { label: '../x', bytes: b('../x') },
    { label: 'alice/../../honeypot', bytes: b('alice/../../honeypot') },
    { label: '../root-evil', bytes: b('../root-evil') },
    { label: 'absolute honeypot path', bytes: b(honeypotAbs) },
    { label: '../root/alice (back inside)', bytes: b('../root/alice') },
    { label: '..\\honeypot', bytes: b('..\\honeypot') },
    { label: '%2e%2e%2fhoneypot', bytes: b('%2e%2e%2fhoneypot') },
    { label: 'honeypot NUL', bytes: b('honeypot\0') },
    { label: 'alice NUL ../../honeypot', bytes: b('alice\0../../honeypot') },
    { label: 'NUL alone', bytes: b('\0') },
    { label: 'control bytes', bytes: b('\x01\x02\x03') },
    { label: 'escape sequence', bytes: b('\x1b[2J\x1b]0;owned\x07') },
    { label: 'DEL byte', bytes: b('al\x7fice') },
    { label: 'CR inside', bytes: b('ali\rce') },
    { label: '10 KB name', bytes: b('a'.repeat(10 * 1024)) },
    { label: '65 characters', bytes: b('a'.repeat(65)) },
    { label: '.hidden', bytes: b('.popcheck-state.json') },
    { label: 'non-UTF-8 0xff 0xfe', bytes: Buffer.from([0xff, 0xfe]) },
    { label: 'overlong "/" (0xc0 0xaf)', bytes: Buffer.concat([b('..'), Buffer.from([0xc0, 0xaf]), b('honeypot')]) },
    { label: 'overlong "/" (0xe0 0x80 0xaf)', bytes: Buffer.concat([b('..'), Buffer.from([0xe0, 0x80, 0xaf]), b('honeypot')]) },
    { label: 'latin1 a-umlaut', bytes: Buffer.from([0x61, 0xe4, 0x62]) },
    { label: 'fullwidth solidus (UTF-8)', bytes: Buffer.from('..\uff0fhoneypot', 'utf8') },
  ];
}

type Method = 'user-pass' | 'apop' | 'auth-plain' | 'auth-login';
const METHODS: readonly Method[] = ['user-pass', 'apop', 'auth-plain', 'auth-login'];

/** One login attempt with the raw name; returns every reply line. Never sends a name through a codec. */
async function attempt(port: number, method: Method, name: Buffer, password: string): Promise<string[]> {
  const { client } = await Pop3Client.open({ host: HOST, port, timeoutMs: 5000 });
  const replies: string[] = [];
  const say = async (...parts: Array<Buffer | string>): Promise<string> => {
    await client.writeRaw(Buffer.concat(parts.map((p) => (typeof p === 'string' ? b(p) : p))));
    const line = await client.readLine();
    replies.push(line.text);
    return line.text;
  };
  const b64 = (buf: Buffer): string => buf.toString('base64');
  try {
    switch (method) {
      case 'user-pass':
        if ((await say('USER ', name, '\r\n')).startsWith('+OK')) await say(`PASS ${password}\r\n`);
        break;
      case 'apop':
        await say('APOP ', name, ` ${'0'.repeat(32)}\r\n`);
        break;
      case 'auth-plain':
        await say(`AUTH PLAIN ${b64(Buffer.concat([b('\0'), name, b(`\0${password}`)]))}\r\n`);
        break;
      case 'auth-login':
        if ((await say('AUTH LOGIN\r\n')).startsWith('+ ')) {
          if ((await say(`${b64(name)}\r\n`)).startsWith('+ ')) await say(`${b64(b(password))}\r\n`);
        }
        break;
    }
  } finally {
    client.destroy();
  }
  return replies;
}

async function setTimesDeep(p: string): Promise<void> {
  const st = await fs.lstat(p);
  if (st.isDirectory()) for (const n of await fs.readdir(p)) await setTimesDeep(path.join(p, n));
  await fs.utimes(p, OLD_ATIME, OLD_MTIME);
}

beforeAll(async () => {
  base = await fs.mkdtemp(path.join(os.tmpdir(), 'popcheck-rel-names-'));
  top = path.join(base, 'fs');
  if (await canMount(base)) unmount = await mountTmpfs(top, 64 * 1024 * 1024, ['strictatime']);
  else await fs.mkdir(top);
  root = path.join(top, 'root');
  honeypotAbs = path.join(top, 'honeypot');
  // The honeypot: a maildrop-looking folder next to the root, with a bait state file and lock name.
  const honey = await makeMaildir(top, 'honeypot');
  await deliver(honey, '1700000000.honey.rel', message('honey'));
  await fs.writeFile(path.join(honey, '.popcheck-state.json'), '{"bait":true}\n');
  await fs.writeFile(path.join(top, 'x'), 'the target of root/../x\n');
  await makeMaildir(top, 'root-evil');
  await fs.writeFile(path.join(top, 'control'), 'read me\n');
  await makeMaildir(root, 'alice');
  await deliver(path.join(root, 'alice'), '1700000001.a.rel', message('alice-1'));
  for (const n of ['honeypot', 'x', 'root-evil', 'control']) await setTimesDeep(path.join(top, n));
  await fs.utimes(top, OLD_ATIME, OLD_MTIME);
}, 60_000);

afterAll(async () => {
  await unmount?.();
  await fs.rm(base, { recursive: true, force: true });
});

/** The tree outside the mail root, without the control file (which the control check reads). */
const outside = (): Promise<TreeSnapshot> => snapshotTree(top, [root, path.join(top, 'control')]);

it('the atime check can see a read (control: strictatime tmpfs, or an atime older than a day)', async () => {
  const file = path.join(top, 'control');
  const before = (await fs.stat(file, { bigint: true })).atimeNs;
  await fs.readFile(file);
  const after = (await fs.stat(file, { bigint: true })).atimeNs;
  expect(after).toBeGreaterThan(before);
});

describe('a popcheck server process', () => {
  let server: ServerProcess;
  let manager: ManagerClient;
  const etc = (): string => path.join(base, 'etc');

  beforeAll(async () => {
    await fs.mkdir(etc(), { recursive: true });
    server = await ServerProcess.start({
      build,
      args: [
        ...['-u', 'alice:pw', '-d', root, '--listen', `${HOST}:0`, '--auth-delay', '0', '--auth-max-failures', '0'],
        ...['-P', '0', '--manager-token-file', path.join(etc(), 'manager.token'), '--metrics-file', path.join(etc(), 'metrics.json')],
      ],
    });
    const port = Number(/manager listening on [^\s]*:(\d+)/.exec(server.stdout())?.[1]);
    manager = await ManagerClient.connect({ host: '127.0.0.1', port, token: await readTokenFile(path.join(etc(), 'manager.token')), timeoutsMs: [2000] });
  });

  afterAll(async () => {
    manager?.close();
    await server?.stop();
  });

  it('refuses every hostile name by every method and touches nothing outside the mail root', async () => {
    const before = await outside();
    const names = hostileNames();
    let attempts = 0;
    for (const { label, bytes } of names) {
      for (const method of METHODS) {
        const replies = await attempt(server.port, method, bytes, 'pw');
        attempts++;
        expect(replies.some((r) => /^\+OK logged in/.test(r)), `${label} via ${method}: ${JSON.stringify(replies)}`).toBe(false);
        expect(replies.at(-1), `${label} via ${method}`).toMatch(/^-ERR/);
      }
      // The manager's ADD creates a maildrop folder: the name must be refused before that.
      const text = bytes.toString('utf8');
      if (!/[\r\n]/.test(text) && bytes.length < 300) {
        const reply = await manager.request(`ADD ${text}:pw`);
        attempts++;
        expect(reply.ok, `ADD ${label}: ${reply.text}`).toBe(false);
      }
    }
    // The real user still logs in (the server is fine), and that login is inside the root.
    const ok = await attempt(server.port, 'user-pass', b('alice'), 'pw');
    expect(ok.at(-1)).toMatch(/^\+OK logged in/);
    const after = await outside();
    expect(diffTrees(before, after)).toEqual([]);
    // Nothing new inside the root either: no maildrop was created for any of the names.
    expect(await fs.readdir(root)).toEqual(['alice']);
    record('hostile-user-names-process', { names: names.length, methods: [...METHODS, 'manager ADD'], attempts, entriesWatched: after.size, changes: 0, strictatimeTmpfs: unmount !== undefined });
  }, 120_000);
});

describe('in process, with a directory that accepts any name (the store must refuse on its own)', () => {
  const anyone: UserDirectory = {
    verifyPassword: async (_user, password) => password === 'letmein',
    apopSecret: async () => undefined,
    listUsers: async () => ['alice'],
  };

  it('every name that passes the credentials check is refused by the MaildirStore, nothing outside is touched', async () => {
    const before = await outside();
    const store = new MaildirStore({ root, logger: { warn: () => undefined } });
    const server = createServer({ store, users: anyone, authPenalty: false, hostname: 'rel.invalid' });
    const { port } = await server.listen({ host: HOST, port: 0 });
    const reachedStore: string[] = [];
    try {
      for (const { label, bytes } of hostileNames()) {
        for (const method of ['user-pass', 'auth-plain', 'auth-login'] as const) {
          const replies = await attempt(port, method, bytes, 'letmein');
          expect(replies.some((r) => /^\+OK logged in/.test(r)), `${label} via ${method}: ${JSON.stringify(replies)}`).toBe(false);
          if (replies.some((r) => /^-ERR \[SYS\/PERM\]/.test(r))) reachedStore.push(`${label} via ${method}`);
        }
        // And the store API itself, with the name as the server would pass it (latin1 of the bytes).
        for (const name of [bytes.toString('latin1'), bytes.toString('utf8')]) {
          await expect(store.openMaildrop(name)).rejects.toSatisfy((e: unknown) => e instanceof StoreError && e.code === 'not-found');
          await expect(createMaildrop(root, name, 'maildir')).rejects.toThrow(RangeError);
        }
      }
      // Control: the permissive directory does let a real user in.
      expect((await attempt(port, 'user-pass', b('alice'), 'letmein')).at(-1)).toMatch(/^\+OK logged in/);
    } finally {
      await server.close();
    }
    // Names that reached the store were refused there ([SYS/PERM]); the others already by the codec.
    expect(reachedStore.length).toBeGreaterThan(10);
    expect(diffTrees(before, await outside())).toEqual([]);
    record('hostile-user-names-store', { reachedStore: reachedStore.length });
  }, 120_000);
});

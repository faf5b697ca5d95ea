/**
 * Issue 8, faults: a message removed, truncated, replaced or made unreadable by another process
 * during a session. RETR must answer "-ERR [SYS/TEMP]" or serve exactly what it promised (the
 * size LIST gave and its own "+OK n octets" line), never another file's bytes; the session and
 * the server go on. We are root, so permissions cannot make a file unreadable: a folder, a FIFO
 * or a symbolic link takes the message's place instead.
 *
 * In process (createServer + MaildirStore over a temporary folder): each case has its own user,
 * logs in (the snapshot is taken), breaks message 2 behind the server's back, then RETRs it.
 */
import { execFile } from 'node:child_process';
import { constants as fsConstants, promises as fs } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { StaticUsers } from '../../src/auth/static-users.js';
import { ClientError, Pop3Client } from '../../src/client/pop3-client.js';
import { MultiLineDecoder } from '../../src/protocol/dot-stuffing.js';
import { createServer, type Pop3Server } from '../../src/server/index.js';
import { MaildirStore } from '../../src/store/maildir-store.js';
import { deliver, makeMaildir, message } from './support/maildir.js';
import { expectOk, normalSession } from './support/pop3.js';
import { record } from './support/report.js';
import { ServerProcess } from './support/server-process.js';

const HOST = '127.0.0.1';
const SECRET = 'TOP SECRET: a file outside the mail root\r\n';
const BIG_LINES = 120_000; // ~8 MiB: more than the socket buffers hold, so a RETR can be caught mid-way

let scratch: string;
let root: string;
let server: Pop3Server;
let port: number;
const storeWarnings: string[] = [];
const outcomes: Record<string, string> = {};

interface FaultCase {
  readonly name: string;
  /** Breaks the message file; returns an undo for anything that could keep the server waiting. */
  readonly fault: (file: string, original: Buffer) => Promise<(() => Promise<void>) | void>;
}

const run = promisify(execFile);

const CASES: readonly FaultCase[] = [
  { name: 'removed', fault: async (f) => fs.rm(f) },
  { name: 'renamed by another MUA (new/ -> cur/ with flags)', fault: async (f) => fs.rename(f, f.replace('/new/', '/cur/') + ':2,S') },
  { name: 'truncated to half', fault: async (f, o) => fs.truncate(f, Math.floor(o.length / 2)) },
  { name: 'truncated to zero', fault: async (f) => fs.truncate(f, 0) },
  {
    name: 'replaced by a longer message (rename over it)',
    fault: async (f, o) => {
      await fs.writeFile(`${f}.new`, Buffer.concat([o, Buffer.from('Appended by another program\r\n')]));
      await fs.rename(`${f}.new`, f);
    },
  },
  {
    name: 'replaced by a directory',
    fault: async (f) => {
      await fs.rm(f);
      await fs.mkdir(f);
    },
  },
  {
    name: 'replaced by a symlink to a file outside the mail root',
    fault: async (f) => {
      await fs.rm(f);
      await fs.symlink(path.join(scratch, 'secret.txt'), f);
    },
  },
  {
    name: 'replaced by a FIFO',
    fault: async (f) => {
      await fs.rm(f);
      await run('mkfifo', [f]);
      // Undo: a reader blocked in open() is released when a writer opens the FIFO.
      return async () => {
        const h = await fs.open(f, fsConstants.O_WRONLY | fsConstants.O_NONBLOCK).catch(() => undefined);
        await h?.close();
      };
    },
  },
];

const users = (): Array<[string, string]> => [...CASES.map((_, i) => [`case${i}`, 'pw'] as [string, string]), ['bob', 'pw'], ['big1', 'pw'], ['big2', 'pw']];

beforeAll(async () => {
  scratch = await fs.mkdtemp(path.join(os.tmpdir(), 'popcheck-rel-faults-'));
  root = path.join(scratch, 'mail');
  await fs.writeFile(path.join(scratch, 'secret.txt'), SECRET);
  for (const [user] of users()) {
    const dir = await makeMaildir(root, user);
    if (user.startsWith('big')) {
      await deliver(dir, '1700000001.m1.rel', message(`${user}-big`, BIG_LINES, 'x'.repeat(40)));
      continue;
    }
    for (let i = 1; i <= 3; i++) await deliver(dir, `170000000${i}.m${i}.rel`, message(`${user}-${i}`, 40));
  }
  const store = new MaildirStore({ root, logger: { warn: (details, msg) => storeWarnings.push(`${msg} ${JSON.stringify(details)}`) } });
  server = createServer({ store, users: new StaticUsers(users()), authPenalty: false, hostname: 'rel.invalid' });
  ({ port } = await server.listen({ host: HOST, port: 0 }));
});

afterAll(async () => {
  await server?.close();
  await fs.rm(scratch, { recursive: true, force: true });
  record('message-faults', { outcomes, storeWarnings: storeWarnings.length });
});

async function login(user: string): Promise<Pop3Client> {
  const { client, greeting } = await Pop3Client.open({ host: HOST, port, timeoutMs: 5000 });
  expectOk(greeting, 'greeting');
  expectOk(await client.command('USER', user), 'USER');
  expectOk(await client.command('PASS', 'pw'), 'PASS');
  return client;
}

describe('a message broken between login and RETR', () => {
  CASES.forEach((c, i) => {
    it(c.name, async () => {
      const user = `case${i}`;
      const file = path.join(root, user, 'new', '1700000002.m2.rel');
      const original = await fs.readFile(file);
      const client = await login(user);
      let undo: (() => Promise<void>) | void = undefined;
      try {
        expect((await client.command('LIST', 2)).text).toBe(`+OK 2 ${original.length}`);
        undo = await c.fault(file, original);
        let reply;
        try {
          reply = await client.multi('RETR', 2);
        } catch (e) {
          outcomes[c.name] = e instanceof ClientError ? `client error: ${e.kind}` : String(e);
          throw new Error(`RETR 2 after "${c.name}": ${(e as Error).message}`);
        }
        if (reply.line.ok) {
          const body = reply.body!.data;
          outcomes[c.name] = `+OK, served ${body.length} of ${original.length} promised octets${body.equals(original) ? ' (the original)' : ''}`;
          // It promised (LIST and "+OK n octets") the original size: that is what it must serve.
          expect(reply.line.text).toBe(`+OK ${original.length} octets`);
          expect(body.toString('latin1')).not.toContain('TOP SECRET');
          expect(body.length, 'octets served vs. promised').toBe(original.length);
        } else {
          outcomes[c.name] = reply.line.text;
          expect(reply.line.text).toMatch(/^-ERR \[SYS\/TEMP\] /);
        }
        // The session goes on: numbering unchanged, the other messages still served.
        expect((await client.command('NOOP')).ok).toBe(true);
        const first = await client.multi('RETR', 1);
        expect(first.body?.data.equals(await fs.readFile(path.join(root, user, 'new', '1700000001.m1.rel')))).toBe(true);
        expect((await client.multi('LIST')).body?.data.toString('latin1').trim().split('\r\n').length).toBe(3);
        expectOk(await client.command('QUIT'), 'QUIT');
      } finally {
        client.destroy();
        await undo?.();
      }
      // The server goes on.
      expect((await normalSession({ host: HOST, port, user: 'bob', pass: 'pw' })).messages).toBe(3);
    });
  });
});

describe('a message broken while RETR is streaming it', () => {
  /**
   * Logs in on a plain socket, sends RETR 1 (a big message), stops reading as soon as "+OK"
   * arrives (the server soon blocks on the full socket), runs `fault`, then reads on to the
   * terminator or the close.
   */
  async function midStream(user: string, fault: (file: string) => Promise<void>): Promise<{ promised: number; outcome: 'complete' | 'closed' | 'short'; octets: number }> {
    const file = path.join(root, user, 'new', '1700000001.m1.rel');
    const original = await fs.readFile(file);
    const socket = net.connect({ host: HOST, port });
    socket.on('error', () => undefined);
    const decoder = new MultiLineDecoder();
    const parts: Buffer[] = [];
    let head = '';
    let state: 'login' | 'body' | 'done' = 'login';
    let octets = 0;
    let onRetrOk: (() => void) | undefined;
    const finished = new Promise<'complete' | 'closed'>((resolve) => {
      socket.on('close', () => resolve('closed'));
      socket.on('data', (d: Buffer) => {
        if (state === 'login') {
          head += d.toString('latin1');
          const m = /\+OK (\d+) octets\r\n/.exec(head);
          if (!m) return;
          state = 'body';
          socket.pause();
          onRetrOk?.();
          d = Buffer.from(head.slice(m.index + m[0].length), 'latin1');
        }
        if (state !== 'body') return;
        const step = decoder.push(d);
        parts.push(step.data);
        octets += step.data.length;
        if (step.done) {
          state = 'done';
          resolve('complete');
        }
      });
    });
    const retrOk = new Promise<void>((resolve) => (onRetrOk = resolve));
    socket.write(`USER ${user}\r\nPASS pw\r\nRETR 1\r\n`);
    await retrOk;
    await fault(file);
    socket.resume();
    const how = await finished;
    socket.destroy();
    const body = Buffer.concat(parts);
    const outcome = how === 'closed' ? 'closed' : body.equals(original) ? 'complete' : 'short';
    return { promised: original.length, outcome, octets };
  }

  it('removed mid-stream: the open file is served to the end, exactly as promised', async () => {
    const r = await midStream('big1', (f) => fs.rm(f));
    outcomes['removed mid-stream'] = `${r.outcome} (${r.octets} of ${r.promised})`;
    expect(r.outcome).toBe('complete');
    expect((await normalSession({ host: HOST, port, user: 'bob', pass: 'pw' })).messages).toBe(3);
  });

  it('truncated mid-stream: the client never gets a short message passed off as complete', async () => {
    const r = await midStream('big2', (f) => fs.truncate(f, 1024 * 1024));
    outcomes['truncated mid-stream'] = `${r.outcome} (${r.octets} of ${r.promised})`;
    // Either the whole message (the server had read it all) or a connection closed before the
    // terminator (the client knows it is incomplete). A terminator after fewer octets is corruption.
    expect(['complete', 'closed']).toContain(r.outcome);
    expect((await normalSession({ host: HOST, port, user: 'bob', pass: 'pw' })).messages).toBe(3);
  });
});

describe('messages replaced by FIFOs in four sessions at once (a popcheck server process)', () => {
  it('do not stop other users from logging in', async () => {
    const base = path.join(scratch, 'fifo-root');
    const users = ['f1', 'f2', 'f3', 'f4', 'other'];
    for (const u of users) {
      const dir = await makeMaildir(base, u);
      for (let i = 1; i <= 2; i++) await deliver(dir, `170000000${i}.m${i}.rel`, message(`${u}-${i}`));
    }
    const server = await ServerProcess.start({
      build: inject('popcheckBuild'),
      args: [...users.flatMap((u) => ['-u', `${u}:pw`]), '-d', base, '--listen', `${HOST}:0`, '--no-manager', '--metrics-file', path.join(scratch, 'fifo-metrics.json')],
    });
    const clients: Pop3Client[] = [];
    const fifos: string[] = [];
    try {
      for (const u of users.slice(0, 4)) {
        const { client } = await Pop3Client.open({ host: HOST, port: server.port, timeoutMs: 5000 });
        clients.push(client);
        expectOk(await client.command('USER', u), 'USER');
        expectOk(await client.command('PASS', 'pw'), 'PASS');
        const f = path.join(base, u, 'new', '1700000002.m2.rel');
        await fs.rm(f);
        await run('mkfifo', [f]);
        fifos.push(f);
        await client.send('RETR', 2); // its answer is not awaited: it may never come
      }
      // Another user, nothing to do with the FIFOs, logs in (a full session, each reply within 3 s).
      let outcome = 'completed';
      try {
        await normalSession({ host: HOST, port: server.port, user: 'other', pass: 'pw', timeoutMs: 3000 });
      } catch (e) {
        outcome = (e as Error).message;
      }
      outcomes['four FIFOs at once, another user logs in'] = outcome;
      expect(outcome).toBe('completed');
    } finally {
      for (const c of clients) c.destroy();
      // Release any open() blocked on a FIFO: a writer's open lets it through.
      for (const f of fifos) {
        const h = await fs.open(f, fsConstants.O_WRONLY | fsConstants.O_NONBLOCK).catch(() => undefined);
        await h?.close();
      }
      await server.stop();
    }
  });
});

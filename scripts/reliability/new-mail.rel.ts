/**
 * Issue 8, faults: new mail delivered into new/ during a session does not change that session's
 * numbering, sizes or unique-ids (RFC 1939 §5: numbers are fixed for the session), and is listed in
 * the next session, with ids of its own; the old messages keep theirs. One of the new messages
 * carries an older delivery time than every other, so it sorts first in the next session.
 */
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import { Pop3Client } from '../../src/client/pop3-client.js';
import { deliver, makeMaildir, message } from './support/maildir.js';
import { expectOk } from './support/pop3.js';
import { record } from './support/report.js';
import { ServerProcess } from './support/server-process.js';

const build = inject('popcheckBuild');
const HOST = '127.0.0.1';

let scratch: string;
let maildir: string;
let server: ServerProcess;

beforeAll(async () => {
  scratch = await fs.mkdtemp(path.join(os.tmpdir(), 'popcheck-rel-newmail-'));
  const root = path.join(scratch, 'mail');
  maildir = await makeMaildir(root, 'alice');
  for (let i = 1; i <= 3; i++) await deliver(maildir, `170000000${i}.old${i}.rel`, message(`old-${i}`, 10 * i));
  server = await ServerProcess.start({ build, args: ['-u', 'alice:pw', '-d', root, '--listen', `${HOST}:0`, '--no-manager', '--metrics-file', path.join(scratch, 'metrics.json')] });
});

afterAll(async () => {
  await server?.stop();
  await fs.rm(scratch, { recursive: true, force: true });
});

async function login(): Promise<Pop3Client> {
  const { client, greeting } = await Pop3Client.open({ host: HOST, port: server.port, timeoutMs: 10_000 });
  expectOk(greeting, 'greeting');
  expectOk(await client.command('USER', 'alice'), 'USER');
  expectOk(await client.command('PASS', 'pw'), 'PASS');
  return client;
}

const lines = (body: Buffer | undefined): string[] => (body?.toString('latin1') ?? '').split('\r\n').filter((l) => l !== '');

it('mail delivered during a session: numbering fixed until QUIT, listed (with new ids) in the next session', async () => {
  const first = await login();
  const stat1 = (await first.command('STAT')).text;
  const list1 = lines((await first.multi('LIST')).body?.data);
  const uidl1 = lines((await first.multi('UIDL')).body?.data);
  expect(stat1).toMatch(/^\+OK 3 \d+$/);

  // Delivered now: one in the usual way, one with an older delivery time than every message.
  const late = message('new-late', 5);
  const early = message('new-early', 7);
  await deliver(maildir, '1800000000.late.rel', late);
  await deliver(maildir, '1600000000.early.rel', early);

  // The session sees exactly what it saw at login.
  expect((await first.command('STAT')).text).toBe(stat1);
  expect(lines((await first.multi('LIST')).body?.data)).toEqual(list1);
  expect(lines((await first.multi('UIDL')).body?.data)).toEqual(uidl1);
  expect((await first.command('LIST', 4)).text).toMatch(/^-ERR/);
  expect((await first.command('RETR', 4)).text).toMatch(/^-ERR/);
  for (let n = 1; n <= 3; n++) {
    const r = await first.multi('RETR', n);
    expect(r.body!.data.equals(message(`old-${n}`, 10 * n))).toBe(true);
  }
  // DELE 2 and QUIT: UPDATE removes old-2 and nothing else.
  expectOk(await first.command('DELE', 2), 'DELE');
  expectOk(await first.command('QUIT'), 'QUIT');
  await first.waitForClose();
  first.destroy();

  // The next session: old-1, old-3 with their ids, and both new messages, each with a new id.
  const second = await login();
  expect((await second.command('STAT')).text).toMatch(/^\+OK 4 \d+$/);
  const uidl2 = lines((await second.multi('UIDL')).body?.data).map((l) => l.split(' ')[1]!);
  const ids1 = uidl1.map((l) => l.split(' ')[1]!);
  const bodies: string[] = [];
  for (let n = 1; n <= 4; n++) bodies.push(/^X-Rel-Id: (\S+)$/m.exec((await second.multi('RETR', n)).body!.data.toString('latin1'))![1]!);
  expect(bodies).toEqual(['new-early', 'old-1', 'old-3', 'new-late']);
  expect(uidl2[1]).toBe(ids1[0]);
  expect(uidl2[2]).toBe(ids1[2]);
  for (const fresh of [uidl2[0]!, uidl2[3]!]) expect(ids1).not.toContain(fresh); // never a reused id (not old-2's either)
  expect(new Set(uidl2).size).toBe(4);
  expectOk(await second.command('QUIT'), 'QUIT');
  second.destroy();
  record('new-mail-during-session', { firstSession: { stat: stat1, uids: ids1 }, nextSession: { order: bodies, uids: uidl2 } });
});

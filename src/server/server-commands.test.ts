/**
 * Every command, state and response code of RFC 1939 and RFC 2449 over real TCP, against the
 * reference server with an in-memory store.
 */
import { createHash } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { StaticUsers } from '../auth/static-users.js';
import { canonicalize } from '../protocol/crlf-normalizer.js';
import { startTestServer, type TestServer } from './testing/test-server.js';

const MESSAGES = [
  'From: a@example.org\r\nSubject: one\r\n\r\nline 1\r\nline 2\r\nline 3\r\n',
  'Subject: dots\n\n.starts with a dot\n.\n..\nend\n',
  'Subject: no final newline\r\n\r\nlast line',
];

let t: TestServer;
afterEach(async () => {
  await t?.close();
});

async function session(messages = MESSAGES) {
  t = await startTestServer({ messages });
  return t.login();
}

describe('AUTHORIZATION state (RFC 1939 §4, §7)', () => {
  it('greets with one positive line carrying an APOP timestamp', async () => {
    t = await startTestServer();
    const { greeting } = await t.connect();
    expect(greeting.ok).toBe(true);
    expect(greeting.violations).toEqual([]);
    expect(greeting.text).toMatch(/<[^<>@]+@[^<>]+>$/);
  });

  it('USER/PASS logs in and a wrong password gets -ERR [AUTH] (RFC 3206)', async () => {
    t = await startTestServer({ messages: MESSAGES });
    const { client } = await t.connect();
    expect((await client.command('USER', 'alice')).ok).toBe(true);
    const bad = await client.command('PASS', 'wrong');
    expect(bad.ok).toBe(false);
    expect(bad.status?.code).toBe('AUTH');
    expect((await client.command('USER', 'alice')).ok).toBe(true);
    expect((await client.command('PASS', 'wonderland')).ok).toBe(true);
    expect((await client.command('STAT')).text).toBe('+OK 3 ' + MESSAGES.reduce((n, m) => n + canonicalize(Buffer.from(m)).length, 0));
  });

  it('answers an unknown user exactly like a wrong password', async () => {
    t = await startTestServer();
    const { client } = await t.connect();
    await client.command('USER', 'nobody');
    const unknown = await client.command('PASS', 'x');
    await client.command('USER', 'alice');
    const wrong = await client.command('PASS', 'x');
    expect(unknown.text).toBe(wrong.text);
  });

  it('accepts PASS only immediately after a successful USER', async () => {
    t = await startTestServer();
    const { client } = await t.connect();
    expect((await client.command('PASS', 'wonderland')).ok).toBe(false);
    await client.command('USER', 'alice');
    await client.command('CAPA').then(() => client.readMultiLine());
    expect((await client.command('PASS', 'wonderland')).ok).toBe(false);
  });

  it('takes the rest of the line as the password, spaces included', async () => {
    t = await startTestServer();
    t.users.set('carol', 'with two  spaces ');
    t.store.addUser('carol');
    const { client } = await t.connect();
    await client.command('USER', 'carol');
    expect((await client.writeRaw('PASS with two  spaces \r\n'), await client.readLine()).ok).toBe(true);
  });

  it('APOP authenticates with MD5(timestamp + secret)', async () => {
    t = await startTestServer();
    const { client, greeting } = await t.connect();
    const stamp = /<[^>]+>/.exec(greeting.text)![0];
    const digest = (secret: string) => createHash('md5').update(stamp + secret).digest('hex');
    const bad = await client.command('APOP', 'dave', '0'.repeat(32));
    expect(bad.status?.code).toBe('AUTH');
    // RFC 1939 §13: a USER/PASS user cannot log in with APOP, nor an APOP user with USER/PASS.
    expect((await client.command('APOP', 'alice', digest('wonderland'))).status?.code).toBe('AUTH');
    await client.command('USER', 'dave');
    expect((await client.command('PASS', 'tanstaaf')).status?.code).toBe('AUTH');
    expect((await client.command('APOP', 'dave', digest('tanstaaf'))).ok).toBe(true);
    expect((await client.command('NOOP')).ok).toBe(true);
  });

  it('shows no APOP timestamp when no user can use APOP (RFC 1939 §7)', async () => {
    t = await startTestServer({ server: { users: new StaticUsers([['alice', 'wonderland']]) } });
    const { greeting } = await t.connect();
    expect(greeting.text).not.toMatch(/</);
  });

  it('refuses TRANSACTION commands before login (RFC 1939 §3)', async () => {
    t = await startTestServer({ messages: MESSAGES });
    const { client } = await t.connect();
    for (const cmd of ['STAT', 'LIST', 'RETR 1', 'DELE 1', 'NOOP', 'RSET', 'TOP 1 1', 'UIDL']) {
      await client.writeRaw(`${cmd}\r\n`);
      const r = await client.readLine();
      expect(r.ok, cmd).toBe(false);
    }
  });

  it('QUIT in AUTHORIZATION signs off without UPDATE', async () => {
    t = await startTestServer({ messages: MESSAGES });
    const { client } = await t.connect();
    expect((await client.command('QUIT')).ok).toBe(true);
    await client.waitForClose();
  });

  it('a second login to a locked maildrop gets -ERR [IN-USE] (RFC 2449 §8.1.2)', async () => {
    const first = await session();
    const { client } = await t.connect();
    await client.command('USER', 'alice');
    const r = await client.command('PASS', 'wonderland');
    expect(r.status?.code).toBe('IN-USE');
    await first.command('QUIT');
    await first.waitForClose();
    await client.command('USER', 'alice');
    expect((await client.command('PASS', 'wonderland')).ok).toBe(true);
  });

  it('a valid login with no maildrop gets -ERR [SYS/PERM]', async () => {
    t = await startTestServer();
    t.users.set('ghost', 'boo');
    const { client } = await t.connect();
    await client.command('USER', 'ghost');
    expect((await client.command('PASS', 'boo')).status?.code).toBe('SYS/PERM');
  });
});

describe('TRANSACTION state (RFC 1939 §5, §7)', () => {
  it('STAT, LIST and LIST n give exact CRLF sizes', async () => {
    const c = await session();
    const sizes = MESSAGES.map((m) => canonicalize(Buffer.from(m)).length);
    const list = await c.multi('LIST');
    expect(list.body!.data.toString()).toBe(sizes.map((s, i) => `${i + 1} ${s}\r\n`).join(''));
    expect((await c.command('LIST', 2)).text).toBe(`+OK 2 ${sizes[1]}`);
    expect((await c.command('LIST', 4)).ok).toBe(false);
  });

  it('RETR sends the canonical message, byte-stuffed, and its octets equal LIST', async () => {
    const c = await session();
    for (let i = 0; i < MESSAGES.length; i++) {
      const { line, body } = await c.multi('RETR', i + 1);
      expect(line.ok).toBe(true);
      expect(body!.violations).toEqual([]);
      const expected = canonicalize(Buffer.from(MESSAGES[i]!));
      expect(body!.data.equals(expected)).toBe(true);
      expect((await c.command('LIST', i + 1)).text).toBe(`+OK ${i + 1} ${expected.length}`);
    }
  });

  it('byte-stuffs lines that start with "." on the wire', async () => {
    const c = await session();
    c.transcript.length = 0;
    await c.multi('RETR', 2);
    const wire = Buffer.concat(c.transcript.filter((e) => e.from === 'server').map((e) => e.bytes)).toString();
    expect(wire).toContain('\r\n..starts with a dot\r\n..\r\n...\r\nend\r\n.\r\n');
  });

  it('TOP sends header, blank line and n body lines', async () => {
    const c = await session();
    expect((await c.multi('TOP', 1, 0)).body!.data.toString()).toBe('From: a@example.org\r\nSubject: one\r\n\r\n');
    expect((await c.multi('TOP', 1, 2)).body!.data.toString()).toBe('From: a@example.org\r\nSubject: one\r\n\r\nline 1\r\nline 2\r\n');
    expect((await c.multi('TOP', 1, 99)).body!.data.toString()).toBe(MESSAGES[0]);
    expect((await c.command('TOP', 1)).ok).toBe(false);
    expect((await c.command('TOP', 1, -1)).ok).toBe(false);
    expect((await c.command('TOP', 9, 1)).ok).toBe(false);
  });

  it('UIDL lists unique ids that persist across sessions', async () => {
    const c = await session();
    const first = (await c.multi('UIDL')).body!.data.toString();
    expect(first).toMatch(/^(\d+ [\x21-\x7e]{1,70}\r\n){3}$/);
    expect((await c.command('UIDL', 3)).text).toBe(`+OK ${first.split('\r\n')[2]}`);
    await c.command('QUIT');
    await c.waitForClose();
    const again = await t.login();
    expect((await again.multi('UIDL')).body!.data.toString()).toBe(first);
  });

  it('DELE marks, hides from STAT/LIST/UIDL, refuses reuse; RSET unmarks', async () => {
    const c = await session();
    expect((await c.command('DELE', 1)).ok).toBe(true);
    const dup = await c.command('DELE', 1);
    expect(dup.ok).toBe(false);
    expect(dup.text).toMatch(/already deleted/);
    for (const cmd of ['RETR 1', 'LIST 1', 'TOP 1 0', 'UIDL 1']) {
      await c.writeRaw(`${cmd}\r\n`);
      expect((await c.readLine()).ok, cmd).toBe(false);
    }
    expect((await c.command('STAT')).text).toMatch(/^\+OK 2 /);
    expect((await c.multi('LIST')).body!.data.toString()).not.toMatch(/^1 /m);
    expect((await c.command('RSET')).ok).toBe(true);
    expect((await c.command('STAT')).text).toMatch(/^\+OK 3 /);
  });

  it('QUIT after DELE removes exactly the marked messages (RFC 1939 §6)', async () => {
    const c = await session();
    await c.command('DELE', 2);
    const quit = await c.command('QUIT');
    expect(quit.text).toMatch(/2 messages left/);
    await c.waitForClose();
    expect(t.store.messagesOf('alice').map(String)).toEqual([MESSAGES[0], MESSAGES[2]]);
  });

  it('a dropped connection after DELE removes nothing', async () => {
    const c = await session();
    await c.command('DELE', 1);
    await c.command('DELE', 2);
    c.destroy();
    await waitForSessions(t, 0);
    expect(t.store.messagesOf('alice')).toHaveLength(3);
    // ... and the lock is released.
    await t.login();
  });

  it('NOOP answers +OK; commands of AUTHORIZATION are refused', async () => {
    const c = await session();
    expect((await c.command('NOOP')).text).toBe('+OK');
    expect((await c.command('USER', 'alice')).ok).toBe(false);
    expect((await c.command('PASS', 'x')).ok).toBe(false);
  });

  it('rejects unknown and malformed commands with -ERR', async () => {
    t = await startTestServer({ messages: MESSAGES, limits: { maxBadCommands: 100 } });
    const c = await t.login();
    for (const raw of ['XYZZY', 'RETR', 'RETR x', 'RETR 0', 'RETR 99999999999999999999', 'STAT 1', 'LIST 1 2', 'R', 'RETR  1', 'NO\x00OP']) {
      await c.writeRaw(`${raw}\r\n`);
      const r = await c.readLine();
      expect(r.ok, JSON.stringify(raw)).toBe(false);
      expect(r.violations).toEqual([]);
    }
    expect((await c.command('NOOP')).ok).toBe(true);
  });

  it('keywords are case-insensitive', async () => {
    const c = await session();
    await c.writeRaw('stat\r\nLiSt 1\r\n');
    expect((await c.readLine()).ok).toBe(true);
    expect((await c.readLine()).ok).toBe(true);
  });

  it('an empty maildrop lists nothing and STAT is 0 0', async () => {
    const c = await session([]);
    expect((await c.command('STAT')).text).toBe('+OK 0 0');
    expect((await c.multi('LIST')).body!.data.length).toBe(0);
    expect((await c.multi('UIDL')).body!.data.length).toBe(0);
  });
});

describe('CAPA and response codes (RFC 2449 §5, §6, §8; RFC 3206)', () => {
  it('announces the same capabilities in both states', async () => {
    t = await startTestServer();
    const { client } = await t.connect();
    const before = (await client.multi('CAPA')).body!.data.toString();
    for (const cap of ['TOP', 'USER', 'UIDL', 'PIPELINING', 'RESP-CODES', 'AUTH-RESP-CODE', 'EXPIRE NEVER']) {
      expect(before.split('\r\n')).toContain(cap);
    }
    expect(before).toMatch(/^IMPLEMENTATION popcheck-/m);
    expect(before).not.toMatch(/LOGIN-DELAY/);
    await client.command('USER', 'alice');
    await client.command('PASS', 'wonderland');
    expect((await client.multi('CAPA')).body!.data.toString()).toBe(before);
  });

  it('enforces and announces LOGIN-DELAY when configured (§6.5, §8.1.1)', async () => {
    t = await startTestServer({ limits: { loginDelaySeconds: 3600 } });
    const c = await t.login();
    expect((await c.multi('CAPA')).body!.data.toString()).toMatch(/^LOGIN-DELAY 3600\r$/m);
    await c.command('QUIT');
    await c.waitForClose();
    const { client } = await t.connect();
    await client.command('USER', 'alice');
    const r = await client.command('PASS', 'wonderland');
    expect(r.status?.code).toBe('LOGIN-DELAY');
    // Another user is not delayed.
    await client.command('USER', 'bob');
    expect((await client.command('PASS', 'builder')).ok).toBe(true);
  });

  it('RETR of a message removed by another process gets -ERR [SYS/TEMP] and the session goes on', async () => {
    t = await startTestServer({ messages: MESSAGES });
    const c = await t.login();
    const view = (t.store as unknown as { users: Map<string, { messages: unknown[] }> }).users.get('alice')!;
    view.messages.splice(0, 1);
    const r = await c.command('RETR', 1);
    expect(r.status?.code).toBe('SYS/TEMP');
    expect((await c.command('NOOP')).ok).toBe(true);
  });
});

async function waitForSessions(server: TestServer, n: number): Promise<void> {
  while (server.server.sessionCount !== n) {
    await new Promise<void>((resolve) => server.server.events.once('session-end', () => resolve()));
  }
}

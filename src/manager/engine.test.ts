import { describe, expect, it } from 'vitest';
import { signRequest } from './client.js';
import { macEquals, replyMac } from './auth.js';
import { MAX_QUEUED_REQUESTS, MAX_REPLY_OCTETS, MAX_REQUEST_OCTETS, UNAUTH_REPLIES_PER_SECOND, UNAUTH_REPLY_BURST, UNAUTH_REPLY_BURST_OVERALL } from './limits.js';
import { engineHarness, PEER, TEST_TOKEN } from './testing/engine-harness.js';
import { ManagerError } from './types.js';

describe('authentication (spec §4.2-§4.3, §4.6)', () => {
  it('answers a signed, fresh request with a reply whose MAC verifies', async () => {
    const h = engineHarness();
    const signed = signRequest(TEST_TOKEN, 'HIST', h.clock.now(), 'req-1');
    const { reply } = await h.raw(signed.datagram);
    expect(reply).toMatchObject({ ok: true, id: 'req-1', text: '0' });
    expect(macEquals(reply!.mac, replyMac(TEST_TOKEN, 'req-1', signed.mac, true, reply!.tail))).toBe(true);
  });

  it('refuses a request signed with another token: [AUTH], unauthenticated, nothing run', async () => {
    const h = engineHarness();
    const { reply } = await h.send('ADD mallory:x', { token: 'another-token-0123456789abcdef0123456789', id: 'f1' });
    expect(reply).toMatchObject({ ok: false, id: 'f1', mac: '-', code: 'AUTH', text: 'bad signature' });
    expect(h.users.calls).toEqual([]);
  });

  it('refuses a request altered on the way', async () => {
    const h = engineHarness();
    const signed = signRequest(TEST_TOKEN, 'DEL alice', h.clock.now(), 'alt');
    const altered = Buffer.from(signed.datagram.toString().replace('DEL alice', 'DEL bobby'));
    expect((await h.raw(altered)).reply).toMatchObject({ code: 'AUTH' });
    expect(h.users.calls).toEqual([]);
  });

  it.each([61_000, -61_000, -3_600_000])('refuses a timestamp %i ms away as [AUTH/STALE], giving the server time', async (skew) => {
    const h = engineHarness();
    const { reply } = await h.send('HIST', { atMs: h.clock.now() + skew, id: 'old' });
    expect(reply).toMatchObject({ ok: false, mac: '-', code: 'AUTH/STALE', text: `server time ${Math.floor(h.clock.now() / 1000)}` });
  });

  it('checks the MAC before the timestamp', async () => {
    const h = engineHarness();
    const { reply } = await h.send('HIST', { atMs: 0, token: 'x'.repeat(40) });
    expect(reply?.code).toBe('AUTH');
  });
});

describe('bad datagrams (spec §4.6, §4.7)', () => {
  it('[TOO-BIG] for any datagram over 512 octets, without parsing it', async () => {
    const h = engineHarness();
    const signed = signRequest(TEST_TOKEN, `SET transform ${'x'.repeat(600)}`, h.clock.now());
    expect(signed.datagram.length).toBeGreaterThan(MAX_REQUEST_OCTETS);
    const { reply } = await h.raw(signed.datagram);
    expect(reply).toMatchObject({ ok: false, id: '-', mac: '-', code: 'TOO-BIG' });
    expect(h.transform).toBe('');
  });

  it('[MALFORMED] for the seed\'s bare commands, when the datagram is as long as the reply', async () => {
    const h = engineHarness();
    const { reply } = await h.raw(Buffer.from('USERS 0 -- the seed had no authentication at all, padding'));
    // "USERS" has the form of an id, so it is echoed (spec §3.3: "-" only when there is no id).
    expect(reply).toMatchObject({ ok: false, id: 'USERS', mac: '-', code: 'MALFORMED' });
    expect((await h.raw(Buffer.from('?? not even an id, but long enough to be answered'))).reply).toMatchObject({ id: '-', code: 'MALFORMED' });
  });

  it('drops a datagram shorter than its error reply (no amplification) and an empty one', async () => {
    const h = engineHarness();
    for (const d of [Buffer.alloc(0), Buffer.from('CAPA'), Buffer.from('x'), Buffer.from('USERS 0')]) {
      const { reply, datagram } = await h.raw(d);
      expect(reply).toBeUndefined();
      expect(datagram).toBeUndefined();
    }
  });

  it('never replies to an unauthenticated datagram with more octets than it had', async () => {
    const h = engineHarness();
    const samples = [Buffer.alloc(MAX_REQUEST_OCTETS + 1), Buffer.from(`a 1 ${'0'.repeat(64)} X`), Buffer.from('z'.repeat(44)), Buffer.from('z'.repeat(45))];
    for (const d of samples) {
      const { datagram } = await h.raw(d);
      if (datagram) expect(datagram.length).toBeLessThanOrEqual(d.length);
    }
  });

  it('limits unauthenticated replies per sender and overall, refilled over time (spec §4.7)', async () => {
    const h = engineHarness();
    const bad = Buffer.from(`id ${Math.floor(h.clock.now() / 1000)} ${'0'.repeat(64)} CAPA`);
    const answered = async (peer: string, n = 100): Promise<number> => {
      let count = 0;
      for (let i = 0; i < n; i++) if ((await h.raw(bad, peer)).datagram) count++;
      return count;
    };
    expect(await answered('10.0.0.1|1')).toBe(UNAUTH_REPLY_BURST);
    // Another sender has its own budget...
    expect(await answered('10.0.0.1|2')).toBe(UNAUTH_REPLY_BURST);
    // ...until the overall budget is spent, whatever the (forged) senders.
    let others = 0;
    for (let p = 3; p < 200; p++) others += await answered(`10.0.0.1|${p}`, 1);
    expect(others).toBe(UNAUTH_REPLY_BURST_OVERALL - 2 * UNAUTH_REPLY_BURST);
    h.clock.advance(1000);
    expect(await answered('10.0.0.1|1')).toBe(UNAUTH_REPLIES_PER_SECOND);
    // Authenticated requests are not limited.
    expect((await h.send('HIST', { peer: '10.0.0.1|1' })).reply?.ok).toBe(true);
  });

  it('[SYNTAX] (authenticated) for problems in the command part', async () => {
    const h = engineHarness();
    for (const cmd of ['FROB', 'HIST now', 'DEL', 'DEL  alice', 'USERS x', 'USERS AFTER', 'STATS -1', 'ADD nocolon', 'ADD :pw', 'ADD .dot:pw', 'ADD a:', 'ADD a\u0001:b']) {
      const { reply } = await h.send(cmd);
      expect(reply, cmd).toMatchObject({ ok: false, code: 'SYNTAX' });
      expect(reply!.mac).not.toBe('-');
    }
  });
});

describe('replay cache and retries (spec §4.4)', () => {
  it('answers a retry from the cache, octet for octet, without running it again', async () => {
    const h = engineHarness();
    const signed = signRequest(TEST_TOKEN, 'ADD dave:pw', h.clock.now(), 'add-1');
    const first = await h.raw(signed.datagram);
    const retry = await h.raw(signed.datagram);
    expect(first.reply).toMatchObject({ ok: true, text: 'added dave' });
    expect(retry.datagram?.equals(first.datagram!)).toBe(true);
    expect(h.users.calls).toEqual(['add dave']);
  });

  it('refuses a captured request replayed from another address [AUTH/REPLAY]', async () => {
    const h = engineHarness();
    const signed = signRequest(TEST_TOKEN, 'DEL bob', h.clock.now(), 'del-1');
    await h.raw(signed.datagram, PEER);
    const { reply, datagram } = await h.raw(signed.datagram, '192.0.2.7|5555');
    expect(reply).toMatchObject({ ok: false, mac: '-', code: 'AUTH/REPLAY' });
    expect(datagram!.length).toBeLessThanOrEqual(signed.datagram.length);
  });

  it('refuses an id reused by another request [AUTH/REPLAY]', async () => {
    const h = engineHarness();
    await h.send('HIST', { id: 'same' });
    expect((await h.send('DEL alice', { id: 'same' })).reply).toMatchObject({ code: 'AUTH/REPLAY' });
    expect(h.users.calls).toEqual([]);
  });

  it('forgets ids once their requests are stale, so memory stays bounded', async () => {
    const h = engineHarness({ replayCacheEntries: 3 });
    for (const id of ['a', 'b', 'c']) expect((await h.send('HIST', { id })).reply?.ok).toBe(true);
    const full = await h.send('HIST', { id: 'd' });
    expect(full.reply).toMatchObject({ ok: false, code: 'BUSY' });
    expect(full.reply!.mac).not.toBe('-');
    h.clock.advance(62_000);
    // 'd' was not recorded when refused, so the same id works now; the old ones have expired.
    expect((await h.send('HIST', { id: 'd' })).reply?.ok).toBe(true);
  });

  it('drops a retry that arrives while the first run is still going', async () => {
    const h = engineHarness();
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const addUser = h.users.addUser.bind(h.users);
    h.users.addUser = async (u, p) => {
      await gate;
      return addUser(u, p);
    };
    const signed = signRequest(TEST_TOKEN, 'ADD erin:pw', h.clock.now(), 'slow');
    const first = h.raw(signed.datagram);
    const retry = await h.raw(signed.datagram);
    expect(retry.datagram).toBeUndefined();
    release();
    expect((await first).reply).toMatchObject({ ok: true });
    expect(h.users.calls).toEqual(['add erin']);
  });

  it(`refuses [BUSY] beyond ${MAX_QUEUED_REQUESTS} queued requests, and runs them one at a time`, async () => {
    const h = engineHarness();
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let running = 0;
    let maxRunning = 0;
    h.users.listUsers = async () => {
      running++;
      maxRunning = Math.max(maxRunning, running);
      await gate;
      running--;
      return ['alice'];
    };
    const pending = Array.from({ length: MAX_QUEUED_REQUESTS }, () => h.send('USERS'));
    const over = await h.send('USERS');
    expect(over.reply).toMatchObject({ code: 'BUSY' });
    release();
    const replies = await Promise.all(pending);
    expect(replies.every((r) => r.reply?.ok)).toBe(true);
    expect(maxRunning).toBe(1);
  });
});

describe('commands (spec §5)', () => {
  it('CAPA lists the protocol, limits, commands and settings', async () => {
    const h = engineHarness();
    const { reply } = await h.send('capa');
    expect(reply?.lines).toEqual([
      'PROTOCOL popcheck-manager/1',
      expect.stringMatching(/^IMPLEMENTATION popcheck-/),
      'MAX-REQUEST 512',
      'MAX-REPLY 1200',
      'TIME-WINDOW 60',
      'COMMANDS CAPA USERS ADD DEL HIST CONC TRANS STATS GET SET STOP',
      'SETTINGS idle-timeout max-sessions transform',
    ]);
  });

  it('USERS lists names only, sorted; AFTER is a cursor', async () => {
    const h = engineHarness({ userNames: ['carol', 'alice', 'bob'] });
    expect((await h.send('USERS')).reply).toMatchObject({ text: 'count=3 total=3', lines: ['alice', 'bob', 'carol'] });
    expect((await h.send('USERS 1')).reply).toMatchObject({ text: 'count=2 total=3', lines: ['bob', 'carol'] });
    expect((await h.send('users after b')).reply).toMatchObject({ lines: ['bob', 'carol'] });
    expect((await h.send('USERS AFTER bob')).reply).toMatchObject({ lines: ['carol'] });
    expect((await h.send('USERS 3')).reply).toMatchObject({ ok: true, text: 'count=0 total=3', lines: [] });
    expect((await h.send('USERS 99')).reply).toMatchObject({ ok: true, text: 'count=0 total=3' });
    const all = (await h.send('USERS')).datagram!.toString();
    expect(all).not.toContain('-pw');
  });

  it('ADD and DEL, with [EXISTS] and [NO-USER]; passwords may hold ":" and spaces', async () => {
    const h = engineHarness();
    expect((await h.send('ADD dave:a:b c')).reply).toMatchObject({ ok: true, text: 'added dave' });
    expect(await h.users.verifyPassword('dave', 'a:b c')).toBe(true);
    expect((await h.send('ADD dave:other')).reply).toMatchObject({ ok: false, code: 'EXISTS' });
    expect((await h.send('DEL dave')).reply).toMatchObject({ ok: true, text: 'removed dave' });
    expect((await h.send('DEL dave')).reply).toMatchObject({ ok: false, code: 'NO-USER' });
    expect((await h.send(`ADD ${'u'.repeat(65)}:pw`)).reply).toMatchObject({ code: 'SYNTAX' });
    expect((await h.send(`ADD eve:${'p'.repeat(256)}`)).reply).toMatchObject({ code: 'SYNTAX' });
  });

  it('a hook\'s ManagerError becomes its code; any other error [SYS] without details', async () => {
    const h = engineHarness();
    h.users.addUser = async () => {
      throw new ManagerError('EXISTS', 'taken meanwhile');
    };
    expect((await h.send('ADD zed:pw')).reply).toMatchObject({ code: 'EXISTS', text: 'taken meanwhile' });
    h.users.removeUser = async () => {
      throw new Error('EACCES: /secret/path/users');
    };
    const { reply } = await h.send('DEL alice');
    expect(reply).toMatchObject({ ok: false, code: 'SYS' });
    expect(reply!.text).not.toContain('/secret');
  });

  it('HIST, CONC, TRANS and STATS read the metrics', async () => {
    const h = engineHarness();
    h.metrics = { ...h.metrics, sessionsTotal: 7, sessionsCurrent: 2, bytesSent: 12345, uptimeSeconds: 9, commands: { retr: 3, user: 4 } };
    expect((await h.send('HIST')).reply?.text).toBe('7');
    expect((await h.send('CONC')).reply?.text).toBe('2');
    expect((await h.send('TRANS')).reply?.text).toBe('12345');
    const { reply } = await h.send('STATS');
    expect(reply?.text).toBe('count=12 total=12');
    expect(reply?.lines).toEqual([
      'uptime=9',
      'since=2025-01-01T00:00:00.000Z',
      'sessions.current=2',
      'sessions.total=7',
      'bytes.sent=12345',
      'messages.retrieved=0',
      'messages.deleted=0',
      'auth.failures=0',
      'logins=0',
      'commands.total=7',
      'command.retr=3',
      'command.user=4',
    ]);
  });

  it('GET and SET, case-insensitive names, refusing bad values without change', async () => {
    const h = engineHarness();
    expect((await h.send('GET')).reply?.lines).toEqual(['idle-timeout=600', 'max-sessions=100', 'transform=']);
    expect((await h.send('GET Idle-Timeout')).reply?.text).toBe('idle-timeout=600');
    expect((await h.send('GET colour')).reply).toMatchObject({ code: 'NO-SETTING' });
    expect((await h.send('SET idle-timeout 900')).reply?.text).toBe('idle-timeout=900');
    expect(h.limits.idleTimeoutMs).toBe(900_000);
    expect((await h.send('SET idle-timeout 599')).reply).toMatchObject({ code: 'BAD-VALUE' });
    expect(h.limits.idleTimeoutMs).toBe(900_000);
    expect((await h.send('SET max-sessions 0')).reply).toMatchObject({ code: 'BAD-VALUE' });
    expect((await h.send('SET max-sessions 5')).reply?.text).toBe('max-sessions=5');
    expect(h.limits.maxConnections).toBe(5);
    expect((await h.send('SET transform /usr/bin/filter --strip x')).reply?.text).toBe('transform=/usr/bin/filter --strip x');
    expect((await h.send('SET transform')).reply?.text).toBe('transform=');
    expect((await h.send('SET colour red')).reply).toMatchObject({ code: 'NO-SETTING' });
  });

  it('STOP replies first and stops after the reply; a failed command never stops', async () => {
    const h = engineHarness();
    const { reply, after } = await h.send('STOP');
    expect(reply?.text).toBe('stopping');
    expect(h.stops).toBe(0);
    after?.();
    expect(h.stops).toBe(1);
    expect((await h.send('STOP now')).after).toBeUndefined();
  });

  it('every reply fits one datagram, even for a long id', async () => {
    const h = engineHarness({ userNames: Array.from({ length: 500 }, (_, i) => `user${String(i).padStart(3, '0')}-${'x'.repeat(50)}`) });
    for (const cmd of ['CAPA', 'USERS', 'USERS 100', 'STATS', 'GET']) {
      const { datagram } = await h.send(cmd, { id: 'i'.repeat(32) });
      expect(datagram!.length).toBeLessThanOrEqual(MAX_REPLY_OCTETS);
    }
  });
});

describe('logging (spec §5.3 MGR-CMD-ADD-3, §11)', () => {
  it('logs every request without ever writing a password', async () => {
    const { default: pino } = await import('pino');
    const lines: string[] = [];
    const logger = pino({ level: 'trace' }, { write: (l: string) => void lines.push(l) });
    const h = engineHarness({ logger });
    await h.send('ADD dave:Hunter2-secret');
    await h.send('ADD dave:Hunter2-secret'); // [EXISTS]
    await h.send('ADD Hunter2-secret'); // [SYNTAX]
    await h.send('ADD x:Hunter2-secret', { token: 'w'.repeat(40) }); // [AUTH]
    await h.raw(Buffer.from('ADD dave:Hunter2-secret padding for a reply to come back'));
    const log = lines.join('');
    expect(log).toContain('manager request');
    expect(log).not.toContain('Hunter2');
  });
});

describe('totality of the pipeline', () => {
  it('any datagram: no exception, at most one reply, never an unauthenticated one longer than it', async () => {
    const { default: fc } = await import('fast-check');
    const h = engineHarness();
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 1500 }), async (bytes) => {
        const out = await h.engine.receive(bytes, `10.1.${bytes.length % 250}.1|${bytes[0] ?? 0}`);
        if (out) expect(out.reply.length).toBeLessThanOrEqual(bytes.length);
      }),
      { numRuns: 2000 },
    );
  });
});

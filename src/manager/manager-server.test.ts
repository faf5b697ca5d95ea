/**
 * The manager over real UDP beside a real POP3 server (MemoryStore): authentication, retries through
 * a lossy path, bad datagrams of every size leaving POP3 alone, ADD/DEL reaching POP3 logins, STOP.
 */
import { randomBytes } from 'node:crypto';
import dgram from 'node:dgram';
import { afterEach, describe, expect, it } from 'vitest';
import { ManagerClient, signRequest } from './client.js';
import { parseReply } from './codec.js';
import { MAX_REPLY_OCTETS } from './limits.js';
import { startManagedServer, type ManagedServer } from './testing/managed-server.js';
import { canLogIn, openSession } from './testing/pop3-probe.js';

let server: ManagedServer | undefined;
const clients: ManagerClient[] = [];
const sockets: dgram.Socket[] = [];

afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  for (const s of sockets.splice(0)) s.close();
  await server?.close();
  server = undefined;
});

async function start(): Promise<ManagedServer> {
  server = await startManagedServer({ users: [['alice', 'wonderland'], ['bob', 'builder']] });
  return server;
}

async function client(s: ManagedServer, port = s.managerPort, timeoutsMs: readonly number[] = [2000, 2000, 2000]): Promise<ManagerClient> {
  const c = await ManagerClient.connect({ host: '127.0.0.1', port, token: s.token, timeoutsMs });
  clients.push(c);
  return c;
}

async function udpSocket(): Promise<dgram.Socket> {
  const s = dgram.createSocket('udp4');
  sockets.push(s);
  await new Promise<void>((r) => s.bind(0, '127.0.0.1', () => r()));
  return s;
}

/** Forwards datagrams both ways between one client and the manager, dropping the first `drop` replies. */
async function lossyProxy(target: number, drop: number): Promise<{ port: number; forwarded: () => number }> {
  const front = await udpSocket();
  const back = await udpSocket();
  let clientAddr: dgram.RemoteInfo | undefined;
  let dropped = 0;
  let requests = 0;
  front.on('message', (msg, rinfo) => {
    clientAddr = rinfo;
    requests++;
    back.send(msg, target, '127.0.0.1');
  });
  back.on('message', (msg) => {
    if (dropped < drop) {
      dropped++;
      return;
    }
    if (clientAddr) front.send(msg, clientAddr.port, clientAddr.address);
  });
  return { port: front.address().port, forwarded: () => requests };
}

describe('the manager beside a POP3 server', () => {
  it('answers an authenticated request and refuses one signed with another token', async () => {
    const s = await start();
    const c = await client(s);
    const capa = await c.request('CAPA');
    expect(capa).toMatchObject({ ok: true, authenticated: true, tries: 1 });
    expect(capa.lines).toContain('PROTOCOL popcheck-manager/1');
    const bad = await ManagerClient.connect({ host: '127.0.0.1', port: s.managerPort, token: 'w'.repeat(40), timeoutsMs: [2000] });
    clients.push(bad);
    expect(await bad.request('STOP')).toMatchObject({ ok: false, authenticated: false, code: 'AUTH' });
    expect(await canLogIn('127.0.0.1', s.pop3Port, 'alice', 'wonderland')).toBe(true);
  });

  it('a retry after a lost reply gets the cached reply; the command ran once (MGR-REPLAY-1)', async () => {
    const s = await start();
    const proxy = await lossyProxy(s.managerPort, 1);
    const c = await client(s, proxy.port, [150, 2000, 2000]);
    const reply = await c.request('ADD dave:pw');
    expect(reply).toMatchObject({ ok: true, text: 'added dave', tries: 2 });
    expect(proxy.forwarded()).toBe(2);
    expect(s.users.calls).toEqual(['add dave']);
  });

  it('ADD lets a user log in over POP3 at once, DEL stops that', async () => {
    const s = await start();
    const c = await client(s);
    expect(await canLogIn('127.0.0.1', s.pop3Port, 'dave', 's3cret pass')).toBe(false);
    expect((await c.request('ADD dave:s3cret pass')).ok).toBe(true);
    expect(await canLogIn('127.0.0.1', s.pop3Port, 'dave', 's3cret pass')).toBe(true);
    expect((await c.request('DEL dave')).ok).toBe(true);
    expect(await canLogIn('127.0.0.1', s.pop3Port, 'dave', 's3cret pass')).toBe(false);
  });

  it('HIST, CONC and TRANS follow the POP3 side', async () => {
    const s = await start();
    const c = await client(s);
    const number = async (cmd: string): Promise<number> => Number((await c.request(cmd)).text);
    expect(await number('HIST')).toBe(0);
    const open = await openSession('127.0.0.1', s.pop3Port);
    expect(await number('CONC')).toBe(1);
    expect(await number('HIST')).toBe(1);
    expect(await number('TRANS')).toBeGreaterThan(0);
    await open.client.request('QUIT');
    await open.client.waitForClose();
    await s.pop3.close(); // waits for the session to end, so CONC is settled
    expect(await number('CONC')).toBe(0);
  });

  it('bad datagrams of every size and shape get a short error or nothing, and POP3 goes on (MGR-SAFE-1/2)', async () => {
    const s = await start();
    const raw = await udpSocket();
    const replies: Array<{ size: number; reply: Buffer }> = [];
    let lastSent = 0;
    raw.on('message', (msg) => replies.push({ size: lastSent, reply: msg }));
    // A logged-in POP3 session stays open across the flood.
    const session = await openSession('127.0.0.1', s.pop3Port);
    expect((await session.client.request('USER alice')).line.ok).toBe(true);
    expect((await session.client.request('PASS wonderland')).line.ok).toBe(true);
    const sizes = [1, 2, 10, 44, 45, 100, 511, 512, 513, 1200, 9000, 65_000];
    for (const size of sizes) {
      for (let i = 0; i < 5; i++) {
        lastSent = size;
        await new Promise<void>((r) => raw.send(randomBytes(size), s.managerPort, '127.0.0.1', () => r()));
      }
    }
    // A signed request afterwards is answered, in order, so every datagram above has been handled.
    const c = await client(s);
    expect((await c.request('CAPA')).ok).toBe(true);
    for (const { reply } of replies) {
      const parsed = parseReply(reply);
      expect(parsed.ok && parsed.reply.mac).toBe('-');
      expect(reply.length).toBeLessThanOrEqual(MAX_REPLY_OCTETS);
    }
    // No amplification: every reply to a 1..44-octet datagram was dropped.
    expect(replies.length).toBeLessThanOrEqual(sizes.filter((n) => n >= 45).length * 5);
    expect((await session.client.request('NOOP')).line.ok).toBe(true);
    expect(await canLogIn('127.0.0.1', s.pop3Port, 'bob', 'builder')).toBe(true);
    session.client.destroy();
  });

  it('a replay from another socket is refused, and is no bigger than the request (MGR-REPLAY-2)', async () => {
    const s = await start();
    const c = await client(s);
    const signed = signRequest(s.token, 'USERS', Date.now());
    expect((await c.exchange(signed)).ok).toBe(true);
    const other = await client(s);
    const again = await other.exchange(signed);
    expect(again).toMatchObject({ ok: false, authenticated: false, code: 'AUTH/REPLAY' });
    expect(again.datagram.length).toBeLessThanOrEqual(signed.datagram.length);
  });

  it('STOP replies, then stops the POP3 server (MGR-CMD-STOP-1)', async () => {
    const s = await start();
    const c = await client(s);
    expect(await c.request('STOP')).toMatchObject({ ok: true, text: 'stopping' });
    await s.stopped;
    await expect(openSession('127.0.0.1', s.pop3Port)).rejects.toThrow();
  });
});

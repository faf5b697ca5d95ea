/**
 * Listening and connection life: one socket for IPv6 and IPv4, exact binds, the autologout timer
 * (RFC 1939 §3), the connection limit ([SYS/TEMP], RFC 3206), shutdown, and half-closed clients.
 */
import net from 'node:net';
import os from 'node:os';
import { afterEach, describe, expect, it } from 'vitest';
import { Pop3Client } from '../client/pop3-client.js';
import { startTestServer, type TestServer } from './testing/test-server.js';

let t: TestServer | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

const hasIpv6Loopback = Object.values(os.networkInterfaces())
  .flat()
  .some((i) => i?.address === '::1');

describe('listening', () => {
  it('one "::" socket answers on 127.0.0.1 and ::1', async () => {
    expect(hasIpv6Loopback, 'this machine has no ::1; the dual-stack test needs it').toBe(true);
    t = await startTestServer({ host: '::' });
    const peers: string[] = [];
    t.server.events.on('session-start', ({ peer }) => peers.push(peer));
    for (const host of ['127.0.0.1', '::1']) {
      const { client, greeting } = await Pop3Client.open({ host, port: t.port });
      expect(greeting.ok, host).toBe(true);
      client.destroy();
    }
    // IPv4 arrives on the IPv6 socket as a v4-mapped address.
    expect(peers.map((p) => p.replace(/:\d+$/, ''))).toEqual(['[::ffff:127.0.0.1]', '[::1]']);
  });

  it('an exact bind answers only there', async () => {
    t = await startTestServer({ host: '127.0.0.1' });
    const refused = await new Promise<string>((resolve) => {
      const s = net.connect({ host: '::1', port: t!.port });
      s.on('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? 'error'));
      s.on('connect', () => {
        s.destroy();
        resolve('connected');
      });
    });
    expect(refused).toBe('ECONNREFUSED');
  });
});

describe('connection life', () => {
  it('closes an idle session without a response and removes nothing (RFC 1939 §3)', async () => {
    t = await startTestServer({ messages: ['Subject: x\r\n\r\ny\r\n'], limits: { idleTimeoutMs: 200 } });
    const c = await t.login();
    await c.command('DELE', 1);
    const before = c.transcript.length;
    await c.waitForClose(5000);
    expect(c.transcript.length).toBe(before);
    expect(t.store.messagesOf('alice')).toHaveLength(1);
  });

  it('refuses connections past the limit with -ERR [SYS/TEMP]', async () => {
    t = await startTestServer({ limits: { maxConnections: 2 } });
    await t.connect();
    await t.connect();
    const { client, greeting } = await Pop3Client.open({ host: '127.0.0.1', port: t.port });
    expect(greeting.ok).toBe(false);
    expect(greeting.status?.code).toBe('SYS/TEMP');
    await client.waitForClose();
  });

  it('completes UPDATE for a client that half-closes right after QUIT', async () => {
    t = await startTestServer({ messages: ['Subject: a\r\n\r\n1\r\n', 'Subject: b\r\n\r\n2\r\n'] });
    const { client } = await t.connect();
    await client.writeRaw('USER alice\r\nPASS wonderland\r\nDELE 1\r\nQUIT\r\n');
    client.end();
    const answers = [];
    for (let i = 0; i < 4; i++) answers.push((await client.readLine()).text);
    expect(answers[3]).toMatch(/1 message left/);
    await client.waitForClose();
    expect(t.store.messagesOf('alice').map(String)).toEqual(['Subject: b\r\n\r\n2\r\n']);
  });

  it('shutdown closes sessions without UPDATE and releases their locks', async () => {
    t = await startTestServer({ messages: ['Subject: a\r\n\r\n1\r\n'] });
    const c = await t.login();
    await c.command('DELE', 1);
    const store = t.store;
    // The client stays connected: the server must not wait for it to hang up.
    await t.server.close();
    await c.waitForClose();
    await t.close();
    t = undefined;
    expect(store.messagesOf('alice')).toHaveLength(1);
    const drop = await store.openMaildrop('alice');
    await drop.release();
  });
});

describe('connection limits (issue 8)', () => {
  it('refuses a second connection from one address past the per-address limit', async () => {
    t = await startTestServer({ limits: { maxConnectionsPerAddress: 1 } });
    await t.connect();
    const { client, greeting } = await Pop3Client.open({ host: '127.0.0.1', port: t.port });
    expect(greeting.status?.code).toBe('SYS/TEMP');
    expect(greeting.text).toMatch(/your address/);
    await client.waitForClose();
  });

  it('refuses a session naming a user that has too many, and closes it', async () => {
    t = await startTestServer({ limits: { maxSessionsPerUser: 2 } });
    const a = (await t.connect()).client;
    const b = (await t.connect()).client;
    const c = (await t.connect()).client;
    expect((await a.command('USER', 'alice')).ok).toBe(true);
    expect((await b.command('USER', 'alice')).ok).toBe(true);
    const refused = await c.command('USER', 'alice');
    expect(refused.status?.code).toBe('SYS/TEMP');
    await c.waitForClose();
    a.destroy();
    await waitForSessionEnd(t);
    const d = (await t.connect()).client;
    expect((await d.command('USER', 'alice')).ok).toBe(true);
  });

  it('closes a session whose client stops reading a RETR, releasing its lock', async () => {
    const big = `Subject: big\r\n\r\n${'x'.repeat(998)}\r\n`.repeat(20_000);
    t = await startTestServer({ messages: [big], limits: { idleTimeoutMs: 300 } });
    const c = await t.login();
    // Pause reading: the server's writes back up, then the autologout closes the session.
    (c as unknown as { socket: import('node:net').Socket }).socket.pause();
    const ended = new Promise<string>((resolve) => t!.server.events.once('session-end', ({ result }) => resolve(result)));
    await c.send('RETR', 1);
    expect(await ended).toBe('timeout');
    c.destroy();
    const again = await t.login();
    expect((await again.command('STAT')).ok).toBe(true);
  });
});

function waitForSessionEnd(server: TestServer): Promise<void> {
  return new Promise((resolve) => server.server.events.once('session-end', () => resolve()));
}

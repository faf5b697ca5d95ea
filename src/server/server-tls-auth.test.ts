/**
 * RFC 2595 (STLS), RFC 8314 (implicit TLS), RFC 5034 (AUTH with PLAIN, LOGIN, CRAM-MD5,
 * SCRAM-SHA-256), the plaintext policy and the per-address auth penalty, over real TCP.
 */
import { createHmac } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { AuthPenalty } from '../auth/auth-penalty.js';
import { StaticUsers } from '../auth/static-users.js';
import { ScramClient } from '../auth/sasl/scram-client.js';
import { Pop3Client } from '../client/pop3-client.js';
import { ensureSelfSignedCertificate } from '../tls/index.js';
import { startTestServer, type TestServer } from './testing/test-server.js';

let certDir: string;
let tlsMaterial: { cert: string; key: string };
let t: TestServer;
const insecure = { rejectUnauthorized: false };
const b64 = (s: string | Buffer) => Buffer.from(s).toString('base64');

beforeAll(async () => {
  certDir = await mkdtemp(path.join(os.tmpdir(), 'popcheck-tls-'));
  const made = await ensureSelfSignedCertificate(certDir);
  tlsMaterial = { cert: made.material.cert.toString(), key: made.material.key.toString() };
});
afterAll(async () => {
  await rm(certDir, { recursive: true, force: true });
});
afterEach(async () => {
  await t?.close();
});

const capaOf = async (c: Pop3Client) => (await c.multi('CAPA')).body!.data.toString().split('\r\n');

describe('STLS (RFC 2595 §4)', () => {
  it('is announced in AUTHORIZATION only while usable, upgrades, and is refused once TLS is active', async () => {
    t = await startTestServer({ messages: ['Subject: x\r\n\r\ny\r\n'], server: { tls: tlsMaterial } });
    const { client } = await t.connect();
    expect(await capaOf(client)).toContain('STLS');
    expect((await client.command('STLS')).ok).toBe(true);
    await client.startTls(insecure);
    expect(await capaOf(client)).not.toContain('STLS');
    const again = await client.command('STLS');
    expect(again.ok).toBe(false);
    await client.command('USER', 'alice');
    expect((await client.command('PASS', 'wonderland')).ok).toBe(true);
    expect(await capaOf(client)).not.toContain('STLS');
  });

  it('discards input sent before the handshake (command injection, CVE-2021-22946 class)', async () => {
    t = await startTestServer({ server: { tls: tlsMaterial } });
    const { client } = await t.connect();
    await client.writeRaw('STLS\r\nUSER alice\r\n');
    expect((await client.readLine()).ok).toBe(true);
    await client.startTls(insecure);
    // Had the injected USER been kept, this PASS would log in.
    const pass = await client.command('PASS', 'wonderland');
    expect(pass.ok).toBe(false);
  });

  it('is not offered without a certificate', async () => {
    t = await startTestServer();
    const { client } = await t.connect();
    expect(await capaOf(client)).not.toContain('STLS');
    expect((await client.command('STLS')).ok).toBe(false);
  });
});

describe('implicit TLS (RFC 8314 §3.3)', () => {
  it('speaks TLS from the first byte on its own listener', async () => {
    t = await startTestServer({ server: { tls: tlsMaterial } });
    const { port } = await t.server.listen({ host: '127.0.0.1', port: 0, implicitTls: true });
    const { client, greeting } = await Pop3Client.open({ host: '127.0.0.1', port, tls: insecure });
    expect(greeting.ok).toBe(true);
    expect(await capaOf(client)).not.toContain('STLS');
    await client.command('USER', 'alice');
    expect((await client.command('PASS', 'wonderland')).ok).toBe(true);
    client.destroy();
  });
});

describe('plaintext policy (RFC 5034 §4, like Dovecot disable_plaintext_auth)', () => {
  it('refuses cleartext passwords on an unencrypted line and allows them after STLS', async () => {
    t = await startTestServer({ server: { tls: tlsMaterial, loopbackIsTrusted: false } });
    const { client } = await t.connect();
    const capa = await capaOf(client);
    expect(capa).not.toContain('USER');
    expect(capa.find((l) => l.startsWith('SASL'))).not.toMatch(/PLAIN|LOGIN/);
    const user = await client.command('USER', 'alice');
    expect(user.ok).toBe(false);
    // RFC 3206 §5: no [AUTH] code on a USER reply.
    expect(user.status?.code).toBeUndefined();
    expect((await client.command('AUTH', 'PLAIN', b64('\0alice\0wonderland'))).ok).toBe(false);
    await client.command('STLS');
    await client.startTls(insecure);
    const after = await capaOf(client);
    expect(after).toContain('USER');
    expect(after.find((l) => l.startsWith('SASL'))).toMatch(/PLAIN/);
    expect((await client.command('AUTH', 'PLAIN', b64('\0alice\0wonderland'))).ok).toBe(true);
  });

  it('--allow-plaintext accepts them anywhere', async () => {
    t = await startTestServer({ server: { loopbackIsTrusted: false, allowPlaintext: true } });
    const { client } = await t.connect();
    expect(await capaOf(client)).toContain('USER');
  });
});

describe('AUTH (RFC 5034 §4)', () => {
  it('PLAIN with an initial response, and after an empty challenge', async () => {
    t = await startTestServer();
    const { client } = await t.connect();
    const bad = await client.command('AUTH', 'PLAIN', b64('\0alice\0nope'));
    expect(bad.status?.code).toBe('AUTH');
    const challenge = await client.command('AUTH', 'plain');
    expect(challenge.raw.toString()).toBe('+ \r\n');
    await client.writeRaw(`${b64('\0alice\0wonderland')}\r\n`);
    expect((await client.readLine()).ok).toBe(true);
    expect((await client.command('AUTH', 'PLAIN', b64('\0alice\0wonderland'))).ok).toBe(false);
  });

  it('"*" cancels, bad base64 and unknown mechanisms are refused, and the session goes on', async () => {
    t = await startTestServer();
    const { client } = await t.connect();
    await client.command('AUTH', 'PLAIN');
    await client.writeRaw('*\r\n');
    expect((await client.readLine()).ok).toBe(false);
    expect((await client.command('AUTH', 'PLAIN', 'A=AA')).ok).toBe(false);
    await client.command('AUTH', 'PLAIN');
    await client.writeRaw('not base64!\r\n');
    expect((await client.readLine()).ok).toBe(false);
    expect((await client.command('AUTH', 'NO-SUCH-MECH')).ok).toBe(false);
    expect((await client.command('AUTH', 'CRAM-MD5', 'AAAA')).ok).toBe(false);
    expect((await client.command('AUTH', 'PLAIN', '=')).ok).toBe(false);
    await client.command('USER', 'alice');
    expect((await client.command('PASS', 'wonderland')).ok).toBe(true);
  });

  it('accepts a long response after a challenge (not bound by the 255-octet limit)', async () => {
    t = await startTestServer();
    t.users.set('longpass', 'p'.repeat(600));
    t.store.addUser('longpass');
    const { client } = await t.connect();
    await client.command('AUTH', 'PLAIN');
    await client.writeRaw(`${b64(`\0longpass\0${'p'.repeat(600)}`)}\r\n`);
    expect((await client.readLine()).ok).toBe(true);
  });

  it('LOGIN', async () => {
    t = await startTestServer();
    const { client } = await t.connect();
    const u = await client.command('AUTH', 'LOGIN');
    expect(Buffer.from(u.text.slice(2), 'base64').toString()).toBe('Username:');
    await client.writeRaw(`${b64('alice')}\r\n`);
    expect(Buffer.from((await client.readLine()).text.slice(2), 'base64').toString()).toBe('Password:');
    await client.writeRaw(`${b64('wonderland')}\r\n`);
    expect((await client.readLine()).ok).toBe(true);
  });

  it('CRAM-MD5 (RFC 2195), announced only when every user has a shared secret', async () => {
    t = await startTestServer();
    const mixed = await t.connect();
    expect((await capaOf(mixed.client)).find((l) => l.startsWith('SASL'))).not.toMatch(/CRAM-MD5/);
    await t.close();
    t = await startTestServer({ server: { users: new StaticUsers([], { apopUsers: [['alice', 'wonderland']] }) } });
    const { client } = await t.connect();
    expect((await capaOf(client)).find((l) => l.startsWith('SASL'))).toMatch(/CRAM-MD5/);
    const ch = await client.command('AUTH', 'CRAM-MD5');
    const challenge = Buffer.from(ch.text.slice(2), 'base64').toString();
    expect(challenge).toMatch(/^<.+@.+>$/);
    const digest = createHmac('md5', 'wonderland').update(challenge).digest('hex');
    await client.writeRaw(`${b64(`alice ${digest}`)}\r\n`);
    expect((await client.readLine()).ok).toBe(true);
  });

  it('SCRAM-SHA-256 (RFC 7677), with the server signature checked', async () => {
    t = await startTestServer();
    const { client } = await t.connect();
    const scram = new ScramClient('alice', 'wonderland');
    const first = await client.command('AUTH', 'SCRAM-SHA-256', scram.first().toString('base64'));
    await client.writeRaw(`${scram.final(Buffer.from(first.text.slice(2), 'base64')).toString('base64')}\r\n`);
    const final = await client.readLine();
    expect(final.text.startsWith('+ ')).toBe(true);
    expect(scram.verifyServer(Buffer.from(final.text.slice(2), 'base64'))).toBe(true);
    await client.writeRaw('\r\n');
    expect((await client.readLine()).ok).toBe(true);
    expect((await client.command('STAT')).ok).toBe(true);
  });

  it('SCRAM-SHA-256 with a wrong password gets -ERR [AUTH]', async () => {
    t = await startTestServer();
    const { client } = await t.connect();
    const scram = new ScramClient('alice', 'wrong');
    const first = await client.command('AUTH', 'SCRAM-SHA-256', scram.first().toString('base64'));
    await client.writeRaw(`${scram.final(Buffer.from(first.text.slice(2), 'base64')).toString('base64')}\r\n`);
    expect((await client.readLine()).status?.code).toBe('AUTH');
  });
});

describe('auth penalty', () => {
  it('locks an address out after too many failures, with [SYS/TEMP], for every mechanism', async () => {
    t = await startTestServer({ server: { authPenalty: new AuthPenalty({ baseDelayMs: 0, maxFailures: 3 }) } });
    const { client } = await t.connect();
    for (let i = 0; i < 3; i++) {
      await client.command('USER', 'alice');
      expect((await client.command('PASS', 'wrong')).status?.code).toBe('AUTH');
    }
    await client.command('USER', 'alice');
    expect((await client.command('PASS', 'wonderland')).status?.code).toBe('SYS/TEMP');
    expect((await client.command('AUTH', 'PLAIN', b64('\0alice\0wonderland'))).status?.code).toBe('SYS/TEMP');
    expect((await client.command('APOP', 'alice', '0'.repeat(32))).status?.code).toBe('SYS/TEMP');
  });
});

/**
 * RFC 2449 §6.6 PIPELINING and RFC 2449 §4 limits: commands answered strictly in order whether
 * they arrive byte by byte or thousands in one write; long lines and floods cost bounded memory.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { canonicalize } from '../protocol/crlf-normalizer.js';
import { startTestServer, type TestServer } from './testing/test-server.js';

const MESSAGE = 'Subject: pipelined\r\n\r\n.dot line\r\nbody\r\n';
let t: TestServer;
afterEach(async () => {
  await t?.close();
});

describe('pipelining', () => {
  it('answers USER, PASS, RETR 1 sent in one write (the seed\'s check)', async () => {
    t = await startTestServer({ messages: [MESSAGE] });
    const { client } = await t.connect();
    await client.writeRaw('USER alice\r\nPASS wonderland\r\nRETR 1\r\n');
    expect((await client.readLine()).ok).toBe(true);
    expect((await client.readLine()).ok).toBe(true);
    expect((await client.readLine()).ok).toBe(true);
    expect((await client.readMultiLine()).data.equals(canonicalize(Buffer.from(MESSAGE)))).toBe(true);
  });

  it('gives the same answers when the session is split at every byte', async () => {
    t = await startTestServer({ messages: [MESSAGE] });
    const script = 'USER alice\r\nPASS wonderland\r\nSTAT\r\nRETR 1\r\nLIST 1\r\nQUIT\r\n';
    const reference = await runScript(t, script, []);
    for (let cut = 1; cut < script.length; cut++) {
      expect(await runScript(t, script, [cut]), `cut at ${cut}`).toBe(reference);
    }
    expect(await runScript(t, script, Array.from({ length: script.length }, (_, i) => i))).toBe(reference);
  });

  it('answers 5,000 commands from one write, in order', async () => {
    t = await startTestServer({ messages: [MESSAGE] });
    const c = await t.login();
    const n = 5000;
    const batch = Array.from({ length: n }, (_, i) => (i % 2 === 0 ? 'NOOP\r\n' : `LIST 1\r\n`)).join('');
    await c.writeRaw(batch);
    for (let i = 0; i < n; i++) {
      const r = await c.readLine();
      expect(r.text).toBe(i % 2 === 0 ? '+OK' : `+OK 1 ${canonicalize(Buffer.from(MESSAGE)).length}`);
    }
  });

  it('stops reading while its queue is full and loses nothing', async () => {
    t = await startTestServer({ messages: [MESSAGE], limits: { maxQueuedCommands: 4 } });
    const c = await t.login();
    await c.writeRaw('RETR 1\r\n'.repeat(200));
    for (let i = 0; i < 200; i++) {
      expect((await c.readLine()).ok).toBe(true);
      await c.readMultiLine();
    }
    expect((await c.command('NOOP')).ok).toBe(true);
  });
});

describe('command length (RFC 2449 §4)', () => {
  it('accepts 255 octets with CRLF and refuses 256, discarding the rest of the line', async () => {
    t = await startTestServer();
    const { client } = await t.connect();
    const fits = `USER ${'a'.repeat(255 - 'USER '.length - 2)}\r\n`;
    expect(fits.length).toBe(255);
    await client.writeRaw(fits);
    expect((await client.readLine()).ok).toBe(true);
    await client.writeRaw(`USER ${'a'.repeat(251)}\r\nNOOP\r\n`.replace('NOOP', 'QUIT'));
    const tooLong = await client.readLine();
    expect(tooLong.ok).toBe(false);
    expect(tooLong.text).toMatch(/too long/);
    // Exactly one answer for the long line, then the next command.
    expect((await client.readLine()).text).toMatch(/^\+OK .*signing off/);
  });

  it('answers once and goes on after 20 MB without a line break', async () => {
    t = await startTestServer();
    const { client } = await t.connect();
    const chunk = Buffer.alloc(1024 * 1024, 0x41);
    for (let i = 0; i < 20; i++) await client.writeRaw(chunk);
    await client.writeRaw('\r\nCAPA\r\n');
    expect((await client.readLine()).text).toMatch(/too long/);
    expect((await client.readLine()).ok).toBe(true);
  });

  it('closes the session after too many bad commands in a row', async () => {
    t = await startTestServer({ limits: { maxBadCommands: 3 } });
    const { client } = await t.connect();
    await client.writeRaw('BAD1\r\nBAD2\r\nBAD3\r\nNOOP\r\n');
    expect((await client.readLine()).ok).toBe(false);
    expect((await client.readLine()).ok).toBe(false);
    expect((await client.readLine()).text).toMatch(/too many bad commands/);
    await client.waitForClose();
  });
});

async function runScript(t: TestServer, script: string, cuts: number[]): Promise<string> {
  const { client, greeting } = await t.connect();
  await client.writeSplit(script, cuts);
  const out: string[] = [];
  for (const cmd of script.trim().split('\r\n')) {
    const line = await client.readLine();
    out.push(line.text.replace(/<[^>]+>/, ''));
    if (line.ok && (cmd === 'STAT' ? false : /^(RETR|LIST$|UIDL$)/.test(cmd))) out.push((await client.readMultiLine()).data.toString());
  }
  void greeting;
  await client.waitForClose();
  return out.join('\n');
}

/** Mail transformations through RETR and TOP (issue 6): success, failure, timeout, size cap. */
import { afterEach, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from './testing/test-server.js';

const MESSAGE = 'Subject: hello\r\n\r\nbody line\r\n';
let t: TestServer;
afterEach(async () => {
  await t?.close();
});

describe('mail transformations', () => {
  it('pipes RETR and TOP through the program and gives the exact transformed size', async () => {
    t = await startTestServer({ messages: [MESSAGE], limits: { transformCommand: "tr 'a-z' 'A-Z'" } });
    const c = await t.login();
    const { line, body } = await c.multi('RETR', 1);
    expect(body!.data.toString()).toBe(MESSAGE.toUpperCase());
    expect(line.text).toBe(`+OK ${MESSAGE.length} octets`);
    expect((await c.multi('TOP', 1, 0)).body!.data.toString()).toBe('SUBJECT: HELLO\r\n\r\n');
    expect(t.store.messagesOf('alice')[0]!.toString()).toBe(MESSAGE);
  });

  it('answers -ERR [SYS/TEMP] when the program fails, and the session goes on', async () => {
    t = await startTestServer({ messages: [MESSAGE], limits: { transformCommand: 'cat >/dev/null; echo broken >&2; exit 3' } });
    const c = await t.login();
    expect((await c.command('RETR', 1)).status?.code).toBe('SYS/TEMP');
    expect((await c.command('NOOP')).ok).toBe(true);
    expect(t.store.messagesOf('alice')[0]!.toString()).toBe(MESSAGE);
  });

  it('answers -ERR [SYS/TEMP] when the program runs too long or writes too much', async () => {
    t = await startTestServer({ messages: [MESSAGE], limits: { transformCommand: 'exec sleep 30', transformTimeoutMs: 200 } });
    const c = await t.login();
    expect((await c.command('RETR', 1)).status?.code).toBe('SYS/TEMP');
    t.server.limits.transformCommand = 'yes';
    t.server.limits.transformMaxOctets = 1024 * 1024;
    expect((await c.command('RETR', 1)).status?.code).toBe('SYS/TEMP');
  });

  it('can be switched off at runtime', async () => {
    t = await startTestServer({ messages: [MESSAGE], limits: { transformCommand: 'exit 1' } });
    const c = await t.login();
    expect((await c.command('RETR', 1)).ok).toBe(false);
    t.server.limits.transformCommand = '';
    expect((await c.multi('RETR', 1)).body!.data.toString()).toBe(MESSAGE);
  });
});

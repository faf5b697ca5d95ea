/**
 * POP3 helpers on top of the byte-exact client (src/client/pop3-client.ts): a "normal session"
 * (the full dialogue of a well-behaved client, timed), and small helpers for refusals.
 */
import net from 'node:net';
import { Pop3Client, type ResponseLine } from '../../../src/client/pop3-client.js';

export interface SessionResult {
  /** Connect to the close after QUIT, in milliseconds. */
  readonly ms: number;
  readonly messages: number;
  readonly retrievedOctets: number;
}

export interface SessionOptions {
  readonly host: string;
  readonly port: number;
  readonly user: string;
  readonly pass: string;
  readonly localAddress?: string;
  /** Per-response wait; default 10 s. */
  readonly timeoutMs?: number;
}

/**
 * The whole dialogue of a normal client: greeting, USER, PASS, STAT, LIST, UIDL, RETR 1 (when
 * there is mail), QUIT, and the server's close. Throws on any -ERR or grammar violation.
 */
export async function normalSession(o: SessionOptions): Promise<SessionResult> {
  const started = performance.now();
  const { client, greeting } = await Pop3Client.open({ host: o.host, port: o.port, timeoutMs: o.timeoutMs ?? 10_000, localAddress: o.localAddress });
  try {
    expectOk(greeting, 'greeting');
    expectOk(await client.command('USER', o.user), 'USER');
    expectOk(await client.command('PASS', o.pass), 'PASS');
    const stat = await client.command('STAT');
    expectOk(stat, 'STAT');
    const count = Number(/^(\d+) /.exec(stat.status!.text)?.[1]);
    const list = await client.multi('LIST');
    expectOk(list.line, 'LIST');
    const uidl = await client.multi('UIDL');
    expectOk(uidl.line, 'UIDL');
    let retrieved = 0;
    if (count > 0) {
      const retr = await client.multi('RETR', 1);
      expectOk(retr.line, 'RETR');
      retrieved = retr.body!.data.length;
    }
    expectOk(await client.command('QUIT'), 'QUIT');
    await client.waitForClose();
    return { ms: performance.now() - started, messages: count, retrievedOctets: retrieved };
  } finally {
    client.destroy();
  }
}

export function expectOk(line: ResponseLine, what: string): void {
  if (!line.ok) throw new Error(`${what}: expected +OK, got ${JSON.stringify(line.text)}`);
  if (line.violations.length > 0) throw new Error(`${what}: grammar violations ${JSON.stringify(line.violations)}`);
}

/**
 * Opens a plain socket and waits for the server to close it (or the deadline): what a refused
 * connection sees. `line` is the first line received; `closed` is false when the server kept the
 * connection open past the deadline.
 */
export async function firstLineAndClose(host: string, port: number, localAddress?: string, timeoutMs = 5000): Promise<{ line: string; closed: boolean }> {
  const socket = net.connect({ host, port, ...(localAddress ? { localAddress } : {}) });
  socket.on('error', () => undefined);
  let data = '';
  socket.on('data', (d: Buffer) => (data += d.toString('latin1')));
  const closed = await new Promise<boolean>((resolve) => {
    const timer = setTimeout(() => resolve(false), timeoutMs);
    socket.once('close', () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
  socket.destroy();
  return { line: data.split('\r\n')[0] ?? '', closed };
}

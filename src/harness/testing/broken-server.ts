/**
 * A tiny POP3 server for the harness's own tests, conformant unless told to break: each fault
 * breaks one requirement the test features check. Loopback only; one in-memory maildrop.
 */
import type net from 'node:net';
import { listenLoopback } from '../../testing/loopback-listener.js';
import { TEST_MESSAGES, TEST_USER } from './messages.js';

export type Fault =
  /** "+ok" instead of "+OK" (RFC 1939 §3, a MUST). */
  | 'lowercase-ok'
  /** Lines starting with "." are sent as they are (RFC 1939 §3 byte-stuffing, a MUST). */
  | 'no-byte-stuffing'
  /** NOOP answers -ERR (a SHOULD scenario in the test features). */
  | 'noop-fails'
  /** UIDL works but CAPA does not list it. */
  | 'hide-uidl'
  /** CAPA does not list TOP (and TOP is refused). */
  | 'no-top';

export interface TestServer {
  readonly port: number;
  close(): Promise<void>;
}

export async function startBrokenServer(faults: readonly Fault[] = []): Promise<TestServer> {
  const has = (f: Fault): boolean => faults.includes(f);
  const { port, close } = await listenLoopback((socket) => serve(socket, has));
  return { port, close };
}

function serve(socket: net.Socket, has: (f: Fault) => boolean): void {
  const ok = has('lowercase-ok') ? '+ok' : '+OK';
  const reply = (line: string): void => void socket.write(`${line}\r\n`);
  const multi = (first: string, body: string): void => {
    const stuffed = has('no-byte-stuffing') ? body : body.replace(/^\./gm, '..');
    socket.write(`${first}\r\n${stuffed}.\r\n`);
  };
  let user: string | undefined;
  let authed = false;
  const deleted = new Set<number>();
  const message = (arg: string | undefined): number | undefined => {
    const n = Number(arg);
    return Number.isInteger(n) && n >= 1 && n <= TEST_MESSAGES.length && !deleted.has(n) ? n : undefined;
  };
  reply(`${ok} test server ready`);
  let buffered = '';
  socket.on('data', (chunk: Buffer) => {
    buffered += chunk.toString('latin1');
    for (let i = buffered.indexOf('\n'); i !== -1; i = buffered.indexOf('\n')) {
      const line = buffered.slice(0, i).replace(/\r$/, '');
      buffered = buffered.slice(i + 1);
      const [verb = '', ...args] = line.split(' ');
      const n = message(args[0]);
      switch (verb.toUpperCase()) {
        case 'CAPA':
          multi(`${ok} capabilities`, ['USER', has('no-top') ? '' : 'TOP', has('hide-uidl') ? '' : 'UIDL'].filter(Boolean).map((c) => `${c}\r\n`).join(''));
          break;
        case 'USER':
          user = args[0];
          reply(`${ok} send PASS`);
          break;
        case 'PASS':
          authed = user === TEST_USER.user && args.join(' ') === TEST_USER.pass;
          reply(authed ? `${ok} logged in` : '-ERR [AUTH] invalid login');
          break;
        case 'QUIT':
          reply(`${ok} bye`);
          socket.end();
          return;
        default:
          if (!authed) reply('-ERR log in first');
          else transaction(verb.toUpperCase(), n, args);
      }
    }
  });

  function transaction(verb: string, n: number | undefined, args: string[]): void {
    const size = (i: number): number => Buffer.byteLength(TEST_MESSAGES[i - 1]!, 'latin1');
    const live = TEST_MESSAGES.map((_, i) => i + 1).filter((i) => !deleted.has(i));
    if (verb === 'STAT') reply(`${ok} ${live.length} ${live.reduce((a, i) => a + size(i), 0)}`);
    else if (verb === 'LIST' && args.length === 0) multi(`${ok} scan listing`, live.map((i) => `${i} ${size(i)}\r\n`).join(''));
    else if (verb === 'LIST' && n) reply(`${ok} ${n} ${size(n)}`);
    else if (verb === 'RETR' && n) multi(`${ok} ${size(n)} octets`, TEST_MESSAGES[n - 1]!);
    else if (verb === 'TOP' && n && !has('no-top')) multi(`${ok} top`, TEST_MESSAGES[n - 1]!.split('\r\n\r\n')[0]! + '\r\n\r\n');
    else if (verb === 'UIDL' && args.length === 0) multi(`${ok} unique-ids`, live.map((i) => `${i} uid-${i}\r\n`).join(''));
    else if (verb === 'DELE' && n) {
      deleted.add(n);
      reply(`${ok} deleted`);
    } else if (verb === 'NOOP') reply(has('noop-fails') ? '-ERR no' : ok);
    else if (verb === 'RSET') {
      deleted.clear();
      reply(ok);
    } else reply('-ERR unknown command or bad argument');
  }
}

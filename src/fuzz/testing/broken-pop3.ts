/**
 * A tiny POP3 server, correct enough for the host fuzzer's preflight and health checks, with one
 * chosen fault, so the fuzzer's own tests can show it reports what a broken server does wrong.
 * Loopback only; one account (alice/wonderland) holding one message.
 */
import type net from 'node:net';
import { listenLoopback } from '../../testing/loopback-listener.js';

export type BrokenFault =
  /** Unknown commands are echoed back with a lower-case "+ok" (RFC 1939 §3: "+OK" in upper case). */
  | 'lowercase-echo'
  /** A line over 1000 octets makes it stop listening and drop every connection (a crash). */
  | 'crash-on-long-line'
  /** A control octet in a command is echoed back inside a 600-octet -ERR line (RFC 2449 §4: 512). */
  | 'overlong-error';

export interface BrokenServer {
  readonly port: number;
  close(): Promise<void>;
}

const MESSAGE = 'Subject: x\r\n\r\nhello\r\n';

export async function startBrokenPop3(fault: BrokenFault): Promise<BrokenServer> {
  const { port, close } = await listenLoopback((socket, listener) => serve(socket, fault, () => listener.crash()));
  return { port, close };
}

function serve(socket: net.Socket, fault: BrokenFault, crash: () => void): void {
  let pending = '';
  let user = '';
  let authed = false;
  const send = (text: string): boolean => socket.write(`${text}\r\n`, 'latin1');
  send('+OK broken test server ready');
  socket.on('data', (chunk: Buffer) => {
    pending += chunk.toString('latin1');
    if (fault === 'crash-on-long-line' && pending.length > 1000 && !pending.slice(0, 1001).includes('\n')) return crash();
    for (let lf = pending.indexOf('\n'); lf !== -1; lf = pending.indexOf('\n')) {
      const line = pending.slice(0, lf).replace(/\r$/, '');
      pending = pending.slice(lf + 1);
      if (fault === 'crash-on-long-line' && line.length > 1000) return crash();
      const [verb = '', ...args] = line.split(' ');
      switch (verb.toUpperCase()) {
        case 'USER':
          user = args.join(' ');
          send('+OK');
          break;
        case 'PASS':
          authed = user === 'alice' && args.join(' ') === 'wonderland';
          send(authed ? '+OK logged in' : '-ERR [AUTH] no');
          break;
        case 'CAPA':
          send('+OK\r\nUSER\r\nUIDL\r\nTOP\r\n.');
          break;
        case 'NOOP':
        case 'RSET':
        case 'DELE':
          send(authed ? '+OK' : '-ERR log in first');
          break;
        case 'STAT':
          send(authed ? `+OK 1 ${MESSAGE.length}` : '-ERR log in first');
          break;
        case 'LIST':
        case 'UIDL':
          if (!authed) send('-ERR log in first');
          else if (args.length) send(args[0] === '1' ? `+OK 1 ${verb.toUpperCase() === 'LIST' ? MESSAGE.length : 'uid1'}` : '-ERR no such message');
          else send(`+OK\r\n1 ${verb.toUpperCase() === 'LIST' ? MESSAGE.length : 'uid1'}\r\n.`);
          break;
        case 'RETR':
        case 'TOP':
          send(authed && args[0] === '1' ? `+OK\r\n${MESSAGE}.` : '-ERR no such message');
          break;
        case 'QUIT':
          send('+OK bye');
          socket.end();
          return;
        default:
          if (fault === 'lowercase-echo') send(`+ok ${line.toLowerCase()}`);
          else if (fault === 'overlong-error' && /[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]/.test(line)) send(`-ERR ${'?'.repeat(600)}`);
          else send('-ERR unknown command');
      }
    }
  });
}

/**
 * Two trivial servers that calibrate the load generator, each run as its own process:
 *
 *   --pop3   answers the bench's POP3 dialogue from memory (greeting, USER, PASS, STAT, RETR, NOOP,
 *            QUIT): no store, no lock, no parsing beyond the verb. Whatever the load generator
 *            reaches against it is the generator's own ceiling on this machine.
 *   --raw    writes 1 MiB buffers on every connection, with backpressure, until the peer closes:
 *            what one plain loopback socket moves between two Node processes.
 *
 * Messages: `--msg PREFIX=FILE` (repeatable): a user whose name starts with PREFIX has FILE as its
 * single message (read once, CRLF form, byte-stuffed in memory). Prints "listening on HOST:PORT".
 * Stops on SIGTERM/SIGINT, and by itself after --max-seconds (default 3600) as a bound.
 */
import { readFileSync } from 'node:fs';
import net from 'node:net';
import { CrlfState } from '../../src/protocol/crlf-normalizer.js';
import { stuff } from '../../src/protocol/dot-stuffing.js';

interface Msg {
  readonly size: number;
  readonly wire: Buffer;
}

function parseArgs(argv: string[]): { mode: 'pop3' | 'raw'; host: string; port: number; msgs: Array<[string, string]>; maxSeconds: number } {
  let mode: 'pop3' | 'raw' = 'pop3';
  let host = '127.0.0.1';
  let port = 0;
  let maxSeconds = 3600;
  const msgs: Array<[string, string]> = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--raw') mode = 'raw';
    else if (a === '--pop3') mode = 'pop3';
    else if (a === '--host') host = argv[++i]!;
    else if (a === '--port') port = Number(argv[++i]);
    else if (a === '--max-seconds') maxSeconds = Number(argv[++i]);
    else if (a === '--msg') {
      const spec = argv[++i]!;
      const eq = spec.indexOf('=');
      msgs.push([spec.slice(0, eq), spec.slice(eq + 1)]);
    } else throw new Error(`unknown argument ${a}`);
  }
  return { mode, host, port, msgs, maxSeconds };
}

function load(file: string): Msg {
  const crlf = new CrlfState();
  const raw = readFileSync(file);
  const canonical = Buffer.concat([crlf.convert(raw), crlf.finish()]);
  return { size: canonical.length, wire: Buffer.concat([Buffer.from(`+OK ${canonical.length} octets\r\n`), stuff(canonical), Buffer.from('.\r\n')]) };
}

function pop3Server(msgs: Array<[string, Msg]>): net.Server {
  // Longest prefix first.
  msgs.sort((a, b) => b[0].length - a[0].length);
  const pick = (user: string): Msg | undefined => msgs.find(([p]) => user.startsWith(p))?.[1];
  const OK = Buffer.from('+OK\r\n');
  return net.createServer({ noDelay: true }, (sock) => {
    let pending = '';
    let msg: Msg | undefined;
    sock.on('error', () => undefined);
    sock.write('+OK responder ready\r\n');
    sock.on('data', (chunk: Buffer) => {
      pending += chunk.toString('latin1');
      let at: number;
      while ((at = pending.indexOf('\r\n')) !== -1) {
        const line = pending.slice(0, at);
        pending = pending.slice(at + 2);
        const verb = line.slice(0, 4).toUpperCase();
        switch (verb) {
          case 'USER':
            msg = pick(line.slice(5));
            sock.write(OK);
            break;
          case 'PASS':
          case 'NOOP':
            sock.write(OK);
            break;
          case 'STAT':
            sock.write(`+OK ${msg ? 1 : 0} ${msg?.size ?? 0}\r\n`);
            break;
          case 'RETR':
            if (msg && line.slice(5).trim() === '1') sock.write(msg.wire);
            else sock.write('-ERR no such message\r\n');
            break;
          case 'QUIT':
            sock.end('+OK bye\r\n');
            return;
          default:
            sock.write('-ERR unknown command\r\n');
        }
      }
    });
  });
}

function rawServer(): net.Server {
  const block = Buffer.alloc(1024 * 1024, 'x');
  return net.createServer({ noDelay: true }, (sock) => {
    let open = true;
    sock.on('error', () => undefined);
    sock.on('close', () => (open = false));
    const pump = (): void => {
      while (open && sock.write(block));
    };
    sock.on('drain', pump);
    pump();
  });
}

const args = parseArgs(process.argv.slice(2));
const server = args.mode === 'raw' ? rawServer() : pop3Server(args.msgs.map(([p, f]) => [p, load(f)]));
server.listen({ host: args.host, port: args.port }, () => {
  const a = server.address() as net.AddressInfo;
  process.stdout.write(`responder (${args.mode}) listening on ${a.address}:${a.port}\n`);
});
const stop = (): void => {
  server.close();
  process.exit(0);
};
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
setTimeout(stop, args.maxSeconds * 1000).unref();

/**
 * One hostile client as its own process, so that the normal session measured meanwhile (in the
 * test process) competes with the server only, not with the attacker's own event loop:
 *   - "line":     `octets` without a line break, then CRLF, CAPA and QUIT; checks the -ERR and CAPA;
 *   - "pipeline": USER/PASS, then `commands` NOOPs pipelined, counting the bare "+OK" answers.
 * Writes honour backpressure. Config: one JSON argument (FloodConfig). Output, one JSON per line:
 *   {"event":"half"}  half of the input written     {"event":"done", ...}  finished (then exit 0)
 * Bounded: exits with code 3 after selfTimeoutMs whatever happens.
 */
import net from 'node:net';

export type FloodConfig =
  | { readonly mode: 'line'; readonly host: string; readonly port: number; readonly octets: number; readonly selfTimeoutMs: number }
  | { readonly mode: 'pipeline'; readonly host: string; readonly port: number; readonly user: string; readonly pass: string; readonly commands: number; readonly selfTimeoutMs: number };

function emit(event: Record<string, unknown>): void {
  process.stdout.write(`${JSON.stringify(event)}\n`);
}

async function writeAll(socket: net.Socket, chunk: Buffer, times: number): Promise<void> {
  for (let i = 0; i < times; i++) {
    if (i === Math.floor(times / 2)) emit({ event: 'half' });
    if (!socket.write(chunk)) await new Promise((resolve) => socket.once('drain', resolve));
  }
}

async function main(): Promise<void> {
  const config = JSON.parse(process.argv[2] ?? '{}') as FloodConfig;
  setTimeout(() => process.exit(3), config.selfTimeoutMs).unref();
  const socket = net.connect({ host: config.host, port: config.port });
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  const started = performance.now();
  let received = 0;
  let tail = '';
  let bareOk = 0;
  let carry = '';
  let wake: (() => void) | undefined;
  socket.on('data', (d: Buffer) => {
    received += d.length;
    const text = carry + d.toString('latin1');
    let from = 0;
    for (let i = text.indexOf('\r\n'); i !== -1; i = text.indexOf('\r\n', from)) {
      if (text.slice(from, i) === '+OK') bareOk++;
      from = i + 2;
    }
    carry = text.slice(from);
    tail = (tail + d.toString('latin1')).slice(-8192);
    wake?.();
  });
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  socket.on('close', () => wake?.());
  const until = async (done: () => boolean): Promise<void> => {
    while (!done() && !socket.destroyed) await new Promise<void>((resolve) => (wake = resolve));
  };

  if (config.mode === 'line') {
    const mib = Buffer.alloc(1024 * 1024, 0x41);
    await writeAll(socket, mib, Math.ceil(config.octets / mib.length));
    const sentMs = performance.now() - started;
    socket.write('\r\nCAPA\r\nQUIT\r\n');
    await until(() => /\r\n\.\r\n\+OK[^\r\n]*\r\n$/.test(tail));
    await closed;
    emit({ event: 'done', sentMs, ms: performance.now() - started, received, tooLong: /-ERR [^\r]*too long/.test(tail), capaAnswered: /\r\n\.\r\n\+OK/.test(tail) });
  } else {
    socket.write(`USER ${config.user}\r\nPASS ${config.pass}\r\n`);
    const per = 10_000;
    const batch = Buffer.from('NOOP\r\n'.repeat(per), 'latin1');
    await writeAll(socket, batch, Math.ceil(config.commands / per));
    await until(() => bareOk >= config.commands);
    const ms = performance.now() - started;
    socket.end('QUIT\r\n');
    await closed;
    emit({ event: 'done', ms, answered: bareOk, received });
  }
  process.exit(0);
}

void main();

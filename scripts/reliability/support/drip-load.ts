/**
 * Hostile load for the reliability tests, run as its own process (so it can have its own
 * open-files limit, and so its timers do not share an event loop with the client being measured):
 * opens `count` connections to a POP3 server, spread over several loopback source addresses, and
 * keeps them: a share stays silent (idle), the rest drip "CAPA\r\n" one octet per second per
 * connection, driven by one timer that each tick writes to a slice of the connections.
 *
 * Config: one JSON argument (DripConfig). Output: one JSON object per line on stdout:
 *   {"event":"ready", open, refused, errors, ms}     every connection has its greeting (or failed)
 *   {"event":"dripped", octets, closedByServer, open} after dripMs
 *   {"event":"closed"}                               after stdin ends (or selfTimeoutMs), then exit
 * Bounded: the process exits by itself after selfTimeoutMs whatever happens.
 */
import net from 'node:net';

export interface DripConfig {
  readonly host: string;
  readonly port: number;
  readonly count: number;
  /** Local (source) addresses, used round-robin: 127.0.0.2, 127.0.0.3, ... */
  readonly sources: readonly string[];
  /** Share of connections that drip (the others stay idle). */
  readonly dripShare: number;
  readonly dripMs: number;
  readonly tickMs: number;
  readonly connectConcurrency: number;
  readonly selfTimeoutMs: number;
}

const DRIP = Buffer.from('CAPA\r\n', 'latin1');

interface Conn {
  readonly socket: net.Socket;
  greeted: boolean;
  closed: boolean;
  position: number;
}

function emit(event: Record<string, unknown>): void {
  process.stdout.write(`${JSON.stringify(event)}\n`);
}

async function open(config: DripConfig, index: number): Promise<Conn | 'refused' | 'error'> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: config.host, port: config.port, localAddress: config.sources[index % config.sources.length] });
    const conn: Conn = { socket, greeted: false, closed: false, position: 0 };
    let first = '';
    const timer = setTimeout(() => {
      socket.destroy();
      resolve('error');
    }, 30_000);
    socket.on('error', () => undefined);
    socket.on('close', () => {
      conn.closed = true;
      clearTimeout(timer);
      if (!conn.greeted) resolve(first.startsWith('-ERR') ? 'refused' : 'error');
    });
    socket.on('data', (d: Buffer) => {
      if (conn.greeted) return; // CAPA replies to the drip: read and dropped
      first += d.toString('latin1');
      if (!first.includes('\n')) return;
      clearTimeout(timer);
      if (first.startsWith('+OK')) {
        conn.greeted = true;
        resolve(conn);
      } else {
        socket.destroy();
        resolve('refused');
      }
    });
  });
}

async function main(): Promise<void> {
  const config = JSON.parse(process.argv[2] ?? '{}') as DripConfig;
  const hardStop = setTimeout(() => process.exit(3), config.selfTimeoutMs);
  hardStop.unref();
  const started = Date.now();
  const conns: Conn[] = [];
  let refused = 0;
  let errors = 0;
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < config.count) {
      const i = next++;
      const r = await open(config, i);
      if (r === 'refused') refused++;
      else if (r === 'error') errors++;
      else conns.push(r);
    }
  };
  await Promise.all(Array.from({ length: config.connectConcurrency }, worker));
  emit({ event: 'ready', open: conns.length, refused, errors, ms: Date.now() - started });

  const drippers = conns.slice(0, Math.round(conns.length * config.dripShare));
  const ticksPerSecond = Math.max(1, Math.round(1000 / config.tickMs));
  let tick = 0;
  let octets = 0;
  const dripStart = Date.now();
  await new Promise<void>((resolve) => {
    const timer = setInterval(() => {
      // Connection i writes on the ticks where i % ticksPerSecond matches: one octet per second each.
      const slot = tick++ % ticksPerSecond;
      for (let i = slot; i < drippers.length; i += ticksPerSecond) {
        const c = drippers[i]!;
        if (c.closed) continue;
        c.socket.write(DRIP.subarray(c.position, c.position + 1));
        c.position = (c.position + 1) % DRIP.length;
        octets++;
      }
      if (Date.now() - dripStart >= config.dripMs) {
        clearInterval(timer);
        resolve();
      }
    }, config.tickMs);
  });
  const closedByServer = conns.filter((c) => c.closed).length;
  emit({ event: 'dripped', octets, closedByServer, open: conns.length - closedByServer });

  // Hold the connections until told to go (stdin closes) or the hard stop.
  process.stdin.resume();
  await new Promise<void>((resolve) => process.stdin.once('end', () => resolve()));
  for (const c of conns) c.socket.destroy();
  emit({ event: 'closed' });
  clearTimeout(hardStop);
  process.exit(0);
}

void main();

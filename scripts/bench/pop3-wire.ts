/**
 * The load generator's POP3 connection: a raw socket and the least parsing that is still exact.
 * Without pipelining a response is always the last thing received, so:
 *   - a single-line response (or any -ERR) is complete when the bytes so far end in CRLF;
 *   - a multi-line +OK response is complete when they end in CRLF "." CRLF (byte-stuffing,
 *     RFC 1939 §3, guarantees that sequence appears nowhere else, the empty body included).
 * Only the first byte (+/-) and the last five bytes of each response are looked at; the bytes are
 * counted, never copied. One watchdog timer per process checks every connection for timeouts.
 */
import net from 'node:net';

const CR = 0x0d;
const LF = 0x0a;
const DOT = 0x2e;
const PLUS = 0x2b;

export interface Reply {
  readonly ok: boolean;
  readonly octets: number;
}

export class WireError extends Error {
  constructor(
    readonly kind: 'connect' | 'timeout' | 'closed' | 'err-reply' | 'short',
    message: string,
  ) {
    super(message);
  }
}

const live = new Set<Conn>();
let watchdog: NodeJS.Timeout | undefined;

function ensureWatchdog(): void {
  if (watchdog) return;
  watchdog = setInterval(() => {
    const now = performance.now();
    for (const c of live) c.checkTimeout(now);
  }, 250);
  watchdog.unref();
}

export class Conn {
  private readonly sock: net.Socket;
  private multi = false;
  private first = -1;
  private octets = 0;
  /** Last five bytes received for the current response, oldest first. */
  private readonly tail = Buffer.alloc(5);
  private tailLen = 0;
  private resolve: ((r: Reply) => void) | undefined;
  private reject: ((e: Error) => void) | undefined;
  private since = 0;
  private dead: Error | undefined;
  /** Total octets received on this connection; `onBytes` sees each chunk's size. */
  received = 0;
  onBytes: ((n: number) => void) | undefined;
  private closedPromise: Promise<void>;

  private constructor(
    sock: net.Socket,
    private readonly timeoutMs: number,
  ) {
    this.sock = sock;
    let closed!: () => void;
    this.closedPromise = new Promise((r) => (closed = r));
    sock.on('data', (chunk: Buffer) => this.onData(chunk));
    sock.on('error', (err) => this.fail(new WireError('closed', err.message)));
    sock.on('close', () => {
      live.delete(this);
      this.fail(new WireError('closed', 'connection closed by the server'));
      closed();
    });
    live.add(this);
    ensureWatchdog();
  }

  /** Connects and reads the greeting. */
  static async open(host: string, port: number, timeoutMs: number): Promise<Conn> {
    const sock = net.connect({ host, port, noDelay: true });
    const conn = new Conn(sock, timeoutMs);
    const greeting = await conn.expect(false);
    if (!greeting.ok) {
      conn.destroy();
      throw new WireError('err-reply', 'greeting was -ERR');
    }
    return conn;
  }

  /** Sends one command line (CRLF added by the caller) and waits for its response. */
  command(line: string, multi = false): Promise<Reply> {
    const p = this.expect(multi);
    this.sock.write(line);
    return p;
  }

  /** Waits for the next response; `multi` when a +OK starts a multi-line body. */
  expect(multi: boolean): Promise<Reply> {
    if (this.dead) return Promise.reject(this.dead);
    this.multi = multi;
    this.first = -1;
    this.octets = 0;
    this.tailLen = 0;
    this.since = performance.now();
    return new Promise<Reply>((resolve, reject) => {
      this.resolve = resolve;
      this.reject = reject;
    });
  }

  /** Resolves once the socket is closed (after QUIT the server closes first). */
  closed(): Promise<void> {
    return this.closedPromise;
  }

  destroy(): void {
    this.sock.destroy();
  }

  /** True once the connection failed or closed. */
  get isDead(): boolean {
    return this.dead !== undefined;
  }

  checkTimeout(now: number): void {
    if (this.resolve && now - this.since > this.timeoutMs) {
      this.fail(new WireError('timeout', `no complete response within ${this.timeoutMs} ms`));
      this.sock.destroy();
    }
  }

  private fail(err: Error): void {
    this.dead ??= err;
    const reject = this.reject;
    this.resolve = undefined;
    this.reject = undefined;
    reject?.(err);
  }

  private onData(chunk: Buffer): void {
    const n = chunk.length;
    this.received += n;
    this.onBytes?.(n);
    if (!this.resolve) return; // unsolicited bytes (none expected without pipelining)
    if (this.first === -1) this.first = chunk[0]!;
    this.octets += n;
    // Keep the last five bytes of the response.
    if (n >= 5) {
      chunk.copy(this.tail, 0, n - 5, n);
      this.tailLen = 5;
    } else {
      const keep = Math.min(this.tailLen, 5 - n);
      this.tail.copy(this.tail, 0, this.tailLen - keep, this.tailLen);
      chunk.copy(this.tail, keep, 0, n);
      this.tailLen = keep + n;
    }
    if (!this.complete()) return;
    const resolve = this.resolve;
    this.resolve = undefined;
    this.reject = undefined;
    resolve({ ok: this.first === PLUS, octets: this.octets });
  }

  private complete(): boolean {
    const t = this.tail;
    const l = this.tailLen;
    if (l < 2 || t[l - 2] !== CR || t[l - 1] !== LF) return false;
    if (!this.multi || this.first !== PLUS) return true;
    // Multi-line: "\r\n.\r\n" at the end. With fewer than five bytes this cannot be it yet
    // (the status line alone is longer).
    return l === 5 && t[0] === CR && t[1] === LF && t[2] === DOT;
  }
}

/** A plain socket to a raw sender (the loopback ceiling); the caller counts what arrives. */
export function rawConnect(host: string, port: number): net.Socket {
  return net.connect({ host, port, noDelay: true });
}

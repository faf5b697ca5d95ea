/**
 * The byte-exact POP3 test client. It never "fixes" what a server sends: every response line is
 * kept raw and checked against the grammar of RFC 1939 §3 / RFC 2449 §4 (statusLineViolations),
 * multi-line bodies are un-stuffed with the shared codec, and the whole exchange is recorded.
 * Raw and split writes let tests send exactly the bytes they mean, pipelined or byte by byte.
 */
import net from 'node:net';
import tls from 'node:tls';
import { once } from 'node:events';
import {
  formatCommand,
  MultiLineDecoder,
  parseStatusLine,
  statusLineViolations,
  type GrammarViolation,
  type StatusLine,
} from '../protocol/index.js';
import { expectsMultiLine } from './commands.js';
import type { TranscriptEntry } from './transcript.js';

export interface ConnectOptions {
  host: string;
  port: number;
  /** Implicit TLS (RFC 8314): the connection is TLS from the first byte. */
  tls?: tls.ConnectionOptions | undefined;
  /** Milliseconds to wait for connect and for each response; default 10 s. */
  timeoutMs?: number | undefined;
  /** Local address to bind, e.g. to pick the address family. */
  localAddress?: string | undefined;
  /**
   * Octets of each direction kept in the transcript; past this only a count is kept, so a test that
   * retrieves a huge message does not hold it twice in memory. Default 1 MiB.
   */
  maxTranscriptOctets?: number | undefined;
}

export interface ResponseLine {
  /** The line as received, terminator included. */
  readonly raw: Buffer;
  /** The line without its terminator, latin1-decoded. */
  readonly text: string;
  /** Parsed status, undefined when the line has no +OK/-ERR indicator. */
  readonly status: StatusLine | undefined;
  readonly ok: boolean;
  readonly violations: readonly GrammarViolation[];
}

export interface MultiLineBody {
  /** The un-stuffed body: the octets between the status line and the terminator. */
  readonly data: Buffer;
  readonly violations: readonly string[];
  /**
   * The body exactly as it came over the wire, stuffing and the ".CRLF" terminator included
   * (empty when the body was streamed through `onData`).
   */
  readonly raw?: Buffer;
  /** Octets of the body on the wire, terminator included (also counted when streamed). */
  readonly wireOctets?: number;
}

/** A status line and, for a successful multi-line command, its body. */
export interface Pop3Reply {
  readonly line: ResponseLine;
  readonly body?: MultiLineBody | undefined;
}

export class ClientError extends Error {
  constructor(
    readonly kind: 'timeout' | 'closed' | 'connect' | 'overflow',
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'ClientError';
  }
}

/** A server line longer than this without a line break is an error (the limit is 512). */
const MAX_UNTERMINATED_LINE = 64 * 1024;

const DEFAULT_TRANSCRIPT_OCTETS = 1024 * 1024;

export class Pop3Client {
  readonly transcript: TranscriptEntry[] = [];
  private inbox: Buffer = Buffer.alloc(0);
  private socket: net.Socket;
  private closed = false;
  private closeError: Error | undefined;
  private wake: (() => void) | undefined;
  private readonly started = Date.now();
  private readonly recorded = { client: 0, server: 0 };
  private readonly dropped = { client: 0, server: 0 };
  private received = 0;
  readonly timeoutMs: number;
  private readonly maxTranscriptOctets: number;

  private constructor(socket: net.Socket, timeoutMs: number, maxTranscriptOctets = DEFAULT_TRANSCRIPT_OCTETS) {
    this.socket = socket;
    this.timeoutMs = timeoutMs;
    this.maxTranscriptOctets = maxTranscriptOctets;
    this.attach(socket);
  }

  /** Connects and returns the client; the greeting is left unread (use readLine()). */
  static async connect(options: ConnectOptions): Promise<Pop3Client> {
    const timeoutMs = options.timeoutMs ?? 10_000;
    const socket = options.tls
      ? tls.connect({ host: options.host, port: options.port, ...options.tls })
      : net.connect({ host: options.host, port: options.port, localAddress: options.localAddress });
    const ready = options.tls ? 'secureConnect' : 'connect';
    try {
      await withTimeout(once(socket, ready), timeoutMs, `connect to ${options.host}:${options.port}`);
    } catch (err) {
      socket.destroy();
      throw new ClientError('connect', `cannot connect to ${options.host}:${options.port}: ${(err as Error).message}`, { cause: err });
    }
    socket.setNoDelay(true);
    const client = new Pop3Client(socket, timeoutMs, options.maxTranscriptOctets);
    if (options.tls) client.note(`TLS from the first octet (${client.tlsProtocol ?? 'TLS'})`);
    return client;
  }

  /** Connects and reads the greeting. */
  static async open(options: ConnectOptions): Promise<{ client: Pop3Client; greeting: ResponseLine }> {
    const client = await Pop3Client.connect(options);
    try {
      return { client, greeting: await client.readLine() };
    } catch (err) {
      client.destroy();
      throw err;
    }
  }

  get remoteFamily(): string | undefined {
    return this.socket.remoteFamily;
  }

  get localAddress(): string | undefined {
    return this.socket.localAddress;
  }

  /** The TLS version negotiated ("TLSv1.3"), or undefined while the connection is not TLS. */
  get tlsProtocol(): string | undefined {
    return this.socket instanceof tls.TLSSocket ? (this.socket.getProtocol() ?? undefined) : undefined;
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** Bytes received and not yet consumed by a read. */
  get unread(): Buffer {
    return this.inbox;
  }

  /** Octets received from the server so far. */
  get octetsReceived(): number {
    return this.received;
  }

  /** Octets left out of the transcript because of maxTranscriptOctets, per direction. */
  get transcriptDropped(): { readonly client: number; readonly server: number } {
    return { ...this.dropped };
  }

  /** Writes bytes exactly as given. */
  async writeRaw(bytes: Buffer | string): Promise<void> {
    const buf = typeof bytes === 'string' ? Buffer.from(bytes, 'latin1') : bytes;
    this.record('client', buf);
    if (!this.socket.write(buf)) await once(this.socket, 'drain');
  }

  /** Writes bytes in separate writes, cut at the given offsets; each part is flushed before the next. */
  async writeSplit(bytes: Buffer | string, cuts: readonly number[]): Promise<void> {
    const buf = typeof bytes === 'string' ? Buffer.from(bytes, 'latin1') : bytes;
    const points = [...new Set(cuts.filter((c) => c > 0 && c < buf.length))].sort((a, b) => a - b);
    let from = 0;
    for (const p of [...points, buf.length]) {
      await this.writeRaw(buf.subarray(from, p));
      // Wait until the kernel has the bytes, so each part travels as its own segment.
      await new Promise<void>((resolve) => this.socket.write(Buffer.alloc(0), () => resolve()));
      from = p;
    }
  }

  /** Sends one command line (keyword and arguments joined by single spaces, CRLF added). */
  async send(verb: string, ...args: Array<string | number>): Promise<void> {
    await this.writeRaw(formatCommand(verb, ...args));
  }

  /** Sends a command and reads its status line. */
  async command(verb: string, ...args: Array<string | number>): Promise<ResponseLine> {
    await this.send(verb, ...args);
    return this.readLine();
  }

  /** Sends a command; if it succeeds, reads its multi-line body too. */
  async multi(verb: string, ...args: Array<string | number>): Promise<{ line: ResponseLine; body?: MultiLineBody }> {
    const line = await this.command(verb, ...args);
    if (!line.ok) return { line };
    return { line, body: await this.readMultiLine() };
  }

  /**
   * Sends one command line exactly as written (CRLF added) and reads its reply: the status line,
   * and the multi-line body when the command has one (expectsMultiLine) and the status is +OK.
   * Unlike send(), the text is not re-joined, so doubled spaces and odd keywords reach the server.
   */
  async request(commandLine: string, timeoutMs = this.timeoutMs): Promise<Pop3Reply> {
    if (/[\r\n]/.test(commandLine)) throw new Error('command text must not contain CR or LF');
    await this.writeRaw(`${commandLine}\r\n`);
    return this.readReply(expectsMultiLine(commandLine), timeoutMs);
  }

  /**
   * Reads one reply: a status line, then a body when `multiLine` and the status is +OK.
   * `timeoutMs` bounds the wait for the status line (e.g. longer for a server that delays failed
   * logins); the body's chunks are each bounded by the client's timeout.
   */
  async readReply(multiLine: boolean, timeoutMs = this.timeoutMs): Promise<Pop3Reply> {
    const line = await this.readLine(timeoutMs);
    if (!multiLine || !line.ok) return { line };
    return { line, body: await this.readMultiLine() };
  }

  /** Reads one line ending in LF (a missing CR is reported as a grammar violation). */
  async readLine(timeoutMs = this.timeoutMs): Promise<ResponseLine> {
    for (;;) {
      const lf = this.inbox.indexOf(0x0a);
      if (lf !== -1) {
        const raw = Buffer.from(this.inbox.subarray(0, lf + 1));
        this.inbox = this.inbox.subarray(lf + 1);
        return describeLine(raw);
      }
      if (this.inbox.length > MAX_UNTERMINATED_LINE) {
        throw new ClientError('overflow', `server sent ${this.inbox.length} octets without a line break`);
      }
      await this.waitForData('a response line', timeoutMs);
    }
  }

  /**
   * Reads a multi-line body up to and including the terminator line, un-stuffing it. With
   * `onData`, decoded octets are handed over as they come and not kept (for very large bodies).
   */
  async readMultiLine(onData?: (chunk: Buffer) => void): Promise<MultiLineBody> {
    const decoder = new MultiLineDecoder();
    const parts: Buffer[] = [];
    const rawParts: Buffer[] = [];
    let wireOctets = 0;
    for (;;) {
      const input = this.inbox;
      this.inbox = Buffer.alloc(0);
      const step = decoder.push(input);
      const consumed = step.done ? input.subarray(0, input.length - step.rest.length) : input;
      wireOctets += consumed.length;
      if (!onData && consumed.length > 0) rawParts.push(consumed);
      if (step.data.length > 0) {
        if (onData) onData(step.data);
        else parts.push(step.data);
      }
      if (step.done) {
        this.inbox = Buffer.from(step.rest);
        return { data: Buffer.concat(parts), violations: decoder.violations, raw: Buffer.concat(rawParts), wireOctets };
      }
      await this.waitForData('the end of a multi-line response');
    }
  }

  /**
   * Waits up to `ms` for the server to close the connection: true when it stayed open that long.
   * This is an observation with a deadline (e.g. of an inactivity timer), not a pause: it returns
   * false as soon as the connection closes.
   */
  async staysOpenFor(ms: number): Promise<boolean> {
    if (this.closed) return false;
    try {
      await withTimeout(once(this.socket, 'close'), ms, 'the connection to stay open');
      return false;
    } catch (err) {
      if (err instanceof ClientError && err.kind === 'timeout') return !this.closed;
      throw err;
    }
  }

  /** Resolves when the server closes the connection (or rejects after the timeout). */
  async waitForClose(timeoutMs = this.timeoutMs): Promise<void> {
    if (this.closed) return;
    await withTimeout(once(this.socket, 'close'), timeoutMs, 'the server to close the connection');
  }

  /** Upgrades this connection to TLS in place (STLS, RFC 2595 §4). */
  async startTls(options: tls.ConnectionOptions = {}): Promise<void> {
    const plain = this.socket;
    plain.removeAllListeners('data');
    plain.removeAllListeners('end');
    plain.removeAllListeners('close');
    plain.removeAllListeners('error');
    const secure = tls.connect({ ...options, socket: plain });
    try {
      await withTimeout(once(secure, 'secureConnect'), this.timeoutMs, 'the TLS handshake');
    } catch (err) {
      // A failed negotiation ends the connection: nothing may be read from it in the clear again.
      secure.on('error', () => undefined);
      plain.on('error', () => undefined);
      secure.destroy();
      plain.destroy();
      this.closed = true;
      this.closeError = err instanceof Error ? err : new Error(String(err));
      this.note(`TLS negotiation failed: ${this.closeError.message}`);
      throw err;
    }
    this.socket = secure;
    this.inbox = Buffer.alloc(0);
    this.attach(secure);
    this.note(`TLS negotiated (${secure.getProtocol() ?? 'TLS'})`);
  }

  /** Marks an event of the connection in the transcript (rendered as "-- text --"). */
  note(text: string): void {
    this.transcript.push({ from: 'note', bytes: Buffer.from(text, 'utf8'), at: Date.now() - this.started });
  }

  /** Sends QUIT-less FIN: half-closes our side. */
  end(): void {
    this.socket.end();
  }

  /** Closes the connection at once (an abrupt client). */
  destroy(): void {
    this.socket.destroy();
  }

  private attach(socket: net.Socket): void {
    socket.on('data', (chunk: Buffer) => {
      this.record('server', chunk);
      this.inbox = this.inbox.length === 0 ? chunk : Buffer.concat([this.inbox, chunk]);
      this.notify();
    });
    socket.on('error', (err) => {
      this.closeError = err;
      this.notify();
    });
    socket.on('close', () => {
      this.closed = true;
      this.notify();
    });
  }

  private notify(): void {
    const w = this.wake;
    this.wake = undefined;
    w?.();
  }

  private async waitForData(what: string, timeoutMs = this.timeoutMs): Promise<void> {
    if (this.closed) {
      const why = this.closeError ? `: ${this.closeError.message}` : '';
      throw new ClientError('closed', `connection closed while waiting for ${what}${why}`);
    }
    let timer: NodeJS.Timeout | undefined;
    try {
      await new Promise<void>((resolve, reject) => {
        this.wake = resolve;
        timer = setTimeout(() => reject(new ClientError('timeout', `no answer within ${timeoutMs} ms while waiting for ${what}`)), timeoutMs);
      });
    } finally {
      clearTimeout(timer);
      this.wake = undefined;
    }
  }

  private record(from: 'client' | 'server', bytes: Buffer): void {
    if (bytes.length === 0) return;
    if (from === 'server') this.received += bytes.length;
    const room = this.maxTranscriptOctets - this.recorded[from];
    const kept = room >= bytes.length ? bytes : bytes.subarray(0, Math.max(0, room));
    this.dropped[from] += bytes.length - kept.length;
    if (kept.length === 0) return;
    this.recorded[from] += kept.length;
    this.transcript.push({ from, bytes: Buffer.from(kept), at: Date.now() - this.started });
  }
}

function describeLine(raw: Buffer): ResponseLine {
  const end = raw.length >= 2 && raw[raw.length - 2] === 0x0d ? raw.length - 2 : raw.length - 1;
  const text = raw.subarray(0, end).toString('latin1');
  const status = parseStatusLine(text);
  return { raw, text, status, ok: status?.ok === true, violations: statusLineViolations(raw) };
}

async function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      p,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new ClientError('timeout', `timed out after ${ms} ms waiting for ${what}`)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * A management client (spec §10): signs each request, matches replies by id, verifies reply MACs,
 * and on a timeout resends the very same datagram (same id, timestamp and MAC), so the server
 * answers a retry from its replay cache instead of running the command twice.
 */
import { randomBytes } from 'node:crypto';
import dgram from 'node:dgram';
import { promises as dns } from 'node:dns';
import net from 'node:net';
import { macEquals, replyMac, requestMac, timestampOf } from './auth.js';
import { formatRequest, parseReply, type ParsedReply } from './codec.js';
import { CLIENT_TIMEOUTS_MS } from './limits.js';

export type ClientErrorKind = 'timeout' | 'unreachable' | 'closed';

export class ManagerClientError extends Error {
  constructor(
    readonly kind: ClientErrorKind,
    message: string,
  ) {
    super(message);
    this.name = 'ManagerClientError';
  }
}

export interface ManagerReply extends ParsedReply {
  /** False for the unauthenticated -ERR replies of spec §4.7 (reply-mac "-"). */
  readonly authenticated: boolean;
  /** The reply datagram as received. */
  readonly datagram: Buffer;
  /** How many times the request was sent. */
  readonly tries: number;
}

export interface ManagerClientOptions {
  readonly host: string;
  readonly port: number;
  readonly token: string;
  /** Wait before each resend; its length is the number of tries. Default 1, 2, 4 s. */
  readonly timeoutsMs?: readonly number[];
  /** Wall clock for timestamps (ms). Default Date.now. */
  readonly clock?: () => number;
}

export interface SignedRequest {
  readonly id: string;
  readonly mac: string;
  readonly datagram: Buffer;
}

/** A fresh request id: 128 random bits in hex (spec §4.4). */
export function newRequestId(): string {
  return randomBytes(16).toString('hex');
}

/** Signs a command line (spec §4.2). */
export function signRequest(token: string, command: string, nowMs: number, id: string = newRequestId()): SignedRequest {
  const timestamp = timestampOf(nowMs);
  const mac = requestMac(token, id, timestamp, Buffer.from(command, 'utf8'));
  return { id, mac, datagram: formatRequest(id, timestamp, mac, command) };
}

interface Pending {
  readonly request: SignedRequest;
  /** Accept a reply with id "-" (raw datagrams sent by tests, which may be malformed on purpose). */
  readonly anonymous: boolean;
  resolve(reply: { parsed: ParsedReply; authenticated: boolean; datagram: Buffer }): void;
  reject(e: ManagerClientError): void;
}

/** Datagrams kept in ManagerClient#received (tests check what arrived, and what did not). */
const RECEIVED_LOG_SIZE = 1000;

export class ManagerClient {
  /** Every datagram received, oldest first (the last RECEIVED_LOG_SIZE). */
  readonly received: Buffer[] = [];
  private readonly pending = new Map<string, Pending>();
  private failure: ManagerClientError | undefined;
  private closed = false;

  private constructor(
    private readonly socket: dgram.Socket,
    private readonly options: ManagerClientOptions,
  ) {
    socket.on('message', (msg) => this.onMessage(msg));
    socket.on('error', (e: NodeJS.ErrnoException) => {
      // A connected UDP socket reports ICMP port unreachable as ECONNREFUSED on the next receive.
      this.failure = new ManagerClientError('unreachable', `${this.where}: ${e.code === 'ECONNREFUSED' ? 'nothing listens there (connection refused)' : e.message}`);
      for (const p of [...this.pending.values()]) p.reject(this.failure);
    });
  }

  get where(): string {
    const { host, port } = this.options;
    return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
  }

  static async connect(options: ManagerClientOptions): Promise<ManagerClient> {
    let address = options.host;
    if (net.isIP(address) === 0) {
      try {
        address = (await dns.lookup(options.host)).address;
      } catch (e) {
        throw new ManagerClientError('unreachable', `cannot resolve ${options.host}: ${(e as Error).message}`);
      }
    }
    const socket = dgram.createSocket(net.isIPv6(address) ? 'udp6' : 'udp4');
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.connect(options.port, address, () => {
        socket.off('error', reject);
        resolve();
      });
    }).catch((e: Error) => {
      socket.close();
      throw new ManagerClientError('unreachable', `cannot reach ${options.host}:${options.port}: ${e.message}`);
    });
    return new ManagerClient(socket, options);
  }

  /** Signs and sends a command line, with retries; resolves with the verified reply. */
  request(command: string): Promise<ManagerReply> {
    return this.exchange(signRequest(this.options.token, command, (this.options.clock ?? Date.now)()));
  }

  /**
   * Sends a prepared datagram and waits for the reply to its id, resending the same datagram on
   * each timeout. `anonymous`: also accept a reply whose id is "-" (a malformed request's answer).
   */
  exchange(request: SignedRequest, opts: { anonymous?: boolean; timeoutsMs?: readonly number[] } = {}): Promise<ManagerReply> {
    if (this.closed) return Promise.reject(new ManagerClientError('closed', 'the client is closed'));
    if (this.failure) return Promise.reject(this.failure);
    const timeouts = opts.timeoutsMs ?? this.options.timeoutsMs ?? CLIENT_TIMEOUTS_MS;
    return new Promise<ManagerReply>((resolve, reject) => {
      let tries = 0;
      let timer: NodeJS.Timeout | undefined;
      const finish = (): void => {
        clearTimeout(timer);
        this.pending.delete(request.id);
      };
      this.pending.set(request.id, {
        reject: (e) => {
          finish();
          reject(e);
        },
        request,
        anonymous: opts.anonymous ?? false,
        resolve: (r) => {
          finish();
          resolve({ ...r.parsed, authenticated: r.authenticated, datagram: r.datagram, tries });
        },
      });
      const attempt = (): void => {
        if (tries >= timeouts.length) {
          finish();
          const waited = timeouts.reduce((a, b) => a + b, 0);
          reject(new ManagerClientError('timeout', `no reply from ${this.where} after ${tries} tries in ${waited / 1000} s (is the manager running, and is this its port?)`));
          return;
        }
        const wait = timeouts[tries]!;
        tries++;
        this.socket.send(request.datagram);
        timer = setTimeout(attempt, wait);
      };
      attempt();
    });
  }

  /** Sends a datagram and does not wait (tests: garbage that should get no reply). */
  sendOnly(datagram: Buffer): void {
    this.socket.send(datagram);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const p of [...this.pending.values()]) p.reject(new ManagerClientError('closed', 'the client is closed'));
    this.socket.close();
  }

  private onMessage(datagram: Buffer): void {
    this.received.push(datagram);
    if (this.received.length > RECEIVED_LOG_SIZE) this.received.shift();
    const parsed = parseReply(datagram);
    if (!parsed.ok) return;
    const reply = parsed.reply;
    const pending = reply.id === '-' ? [...this.pending.values()].find((p) => p.anonymous) : this.pending.get(reply.id);
    if (!pending) return;
    if (reply.mac === '-') {
      // Unauthenticated replies can only be refusals (spec §3.3); a "+OK" without a MAC is forged.
      if (reply.ok) return;
      pending.resolve({ parsed: reply, authenticated: false, datagram });
      return;
    }
    const expected = replyMac(this.options.token, pending.request.id, pending.request.mac, reply.ok, reply.tail);
    if (reply.id !== pending.request.id || !macEquals(expected, reply.mac)) return; // spec §4.5: ignore, keep waiting
    pending.resolve({ parsed: reply, authenticated: true, datagram });
  }
}

/**
 * The reference POP3 server: accepts connections and runs a Session on each. One listening socket
 * on "::" serves IPv6 and IPv4 (v4-mapped) unless exact addresses are given; where the host has no
 * IPv6 it falls back to 0.0.0.0. close() stops accepting, lets commands in progress finish (within
 * the grace period), closes every session without UPDATE and releases every lock.
 */
import net from 'node:net';
import os from 'node:os';
import tls from 'node:tls';
import pino, { type Logger } from 'pino';
import { AuthPenalty } from '../auth/auth-penalty.js';
import { saslMechanisms, type SaslMechanism } from '../auth/sasl/index.js';
import type { UserDirectory } from '../auth/types.js';
import type { MailStore } from '../store/types.js';
import { formatStatusLine } from '../protocol/response.js';
import { DEFAULT_LIMITS, limitProblems, type ServerLimits } from './config.js';
import { buildCommandTable } from './command-table.js';
import { ConnectionCounts } from './connection-limits.js';
import { LoginDelayTracker } from './login-delay.js';
import { ServerEvents } from './server-events.js';
import { Session } from './session.js';
import type { ServerIdentity } from './session-context.js';
import { VERSION } from '../version.js';

export interface ServerOptions {
  store: MailStore;
  users: UserDirectory;
  limits?: Partial<ServerLimits>;
  /** Host name in the greeting and APOP timestamps; default os.hostname(). */
  hostname?: string;
  /** pino logger; default: silent (embedding in tests). */
  logger?: Logger;
  /** Certificate and key (PEM) for STLS and implicit-TLS listeners (RFC 2595, RFC 8314). */
  tls?: { cert: string | Buffer; key: string | Buffer };
  /** Accept cleartext passwords on unencrypted connections from any address (default false). */
  allowPlaintext?: boolean;
  /** Treat loopback peers as trusted for the plaintext policy (default true). */
  loopbackIsTrusted?: boolean;
  /**
   * Per-address penalty on failed logins (like Dovecot's auth_penalty); default: AuthPenalty with
   * its defaults; false turns it off.
   */
  authPenalty?: AuthPenalty | false;
}

export interface ListenOptions {
  /** Address to bind; omitted: "::" dual-stack, falling back to "0.0.0.0". */
  host?: string;
  /** Port; 0 picks a free one. Default 1110 (the seed's), or 995 with implicit TLS. */
  port?: number;
  /** Implicit TLS (RFC 8314 §3.3): TLS from the first byte, as on port 995. */
  implicitTls?: boolean;
}

export interface BoundAddress {
  address: string;
  family: string;
  port: number;
  implicitTls: boolean;
}

export const DEFAULT_POP3_PORT = 1110;
export const DEFAULT_POP3S_PORT = 995;

export class Pop3Server {
  readonly events = new ServerEvents();
  readonly limits: ServerLimits;
  private readonly listeners: net.Server[] = [];
  private readonly bound: BoundAddress[] = [];
  private readonly sessions = new Set<Session>();
  private readonly logger: Logger;
  private readonly identity: ServerIdentity;
  private readonly loginDelay: LoginDelayTracker;
  private readonly table = buildCommandTable();
  private nextId = 1;
  private readonly counts = new ConnectionCounts();
  private readonly tlsContext: tls.SecureContext | undefined;
  private readonly penalty: AuthPenalty | undefined;
  private readonly mechanisms: readonly SaslMechanism[];
  private closing: Promise<void> | undefined;

  constructor(private readonly options: ServerOptions) {
    this.limits = { ...DEFAULT_LIMITS, ...options.limits };
    const problems = limitProblems(this.limits);
    if (problems.length > 0) throw new Error(`invalid server limits: ${problems.join('; ')}`);
    this.logger = options.logger ?? pino({ level: 'silent' });
    this.identity = { hostname: options.hostname ?? os.hostname(), implementation: `popcheck-${VERSION}` };
    this.loginDelay = new LoginDelayTracker(() => this.limits.loginDelaySeconds);
    this.penalty = options.authPenalty === false ? undefined : (options.authPenalty ?? new AuthPenalty());
    this.mechanisms = saslMechanisms(options.users);
    this.tlsContext = options.tls ? tls.createSecureContext({ cert: options.tls.cert, key: options.tls.key, minVersion: 'TLSv1.2' }) : undefined;
  }

  /** Number of open sessions. */
  get sessionCount(): number {
    return this.sessions.size;
  }

  /** The addresses bound so far. */
  addresses(): BoundAddress[] {
    return [...this.bound];
  }

  async listen(options: ListenOptions = {}): Promise<BoundAddress> {
    const implicitTls = options.implicitTls === true;
    if (implicitTls && !this.tlsContext) throw new Error('implicit TLS needs a certificate and key (tls option)');
    const port = options.port ?? (implicitTls ? DEFAULT_POP3S_PORT : DEFAULT_POP3_PORT);
    if (options.host !== undefined) return this.bind(options.host, port, implicitTls);
    try {
      return await this.bind('::', port, implicitTls);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code !== 'EAFNOSUPPORT' && code !== 'EADDRNOTAVAIL' && code !== 'EINVAL') throw err;
      this.logger.warn({ code }, 'no IPv6 on this host; listening on IPv4 only');
      return this.bind('0.0.0.0', port, implicitTls);
    }
  }

  close(): Promise<void> {
    this.closing ??= this.shutdown();
    return this.closing;
  }

  private bind(host: string, port: number, implicitTls: boolean): Promise<BoundAddress> {
    const listener = implicitTls
      ? tls.createServer({ allowHalfOpen: true, noDelay: true, cert: this.options.tls!.cert, key: this.options.tls!.key, minVersion: 'TLSv1.2' }, (socket) => this.accept(socket))
      : net.createServer({ allowHalfOpen: true, noDelay: true }, (socket) => this.accept(socket));
    // A failed handshake is the client's problem: log it, never let it reach the process.
    listener.on('tlsClientError', (err: Error) => this.logger.debug({ err: err.message }, 'TLS handshake failed'));
    return new Promise((resolve, reject) => {
      listener.once('error', reject);
      // ipv6Only false: one "::" socket takes IPv4 too, as v4-mapped addresses.
      listener.listen({ host, port, ipv6Only: false }, () => {
        listener.off('error', reject);
        listener.on('error', (err) => this.logger.error({ err }, 'listener error'));
        this.listeners.push(listener);
        const a = listener.address() as net.AddressInfo;
        this.logger.info({ address: a.address, port: a.port, implicitTls }, 'listening');
        const b = { address: a.address, family: a.family, port: a.port, implicitTls };
        this.bound.push(b);
        resolve(b);
      });
    });
  }

  private accept(socket: net.Socket): void {
    socket.on('error', () => undefined);
    const refuse = (why: string): void => {
      // RFC 3206 [SYS/TEMP]: a passing server-side condition; the client may retry later.
      socket.end(formatStatusLine(false, `${why}, try again later`, 'SYS/TEMP'));
      this.logger.warn({ peer: socket.remoteAddress, sessions: this.sessions.size }, `connection refused: ${why}`);
    };
    if (this.closing) return refuse('server shutting down');
    if (this.sessions.size >= this.limits.maxConnections) return refuse('too many connections');
    const addressSlot = this.counts.claimAddress(socket.remoteAddress, this.limits.maxConnectionsPerAddress);
    if (addressSlot === undefined) return refuse('too many connections from your address');
    const session = new Session(
      socket,
      {
        store: this.options.store,
        users: this.options.users,
        limits: this.limits,
        identity: this.identity,
        table: this.table,
        events: this.events,
        loginDelay: this.loginDelay,
        logger: this.logger,
        onClosed: (s) => {
          this.sessions.delete(s);
          this.counts.releaseAddress(addressSlot);
        },
        counts: this.counts,
        tls: this.tlsContext ? { context: this.tlsContext } : undefined,
        allowPlaintext: this.options.allowPlaintext ?? false,
        loopbackIsTrusted: this.options.loopbackIsTrusted ?? true,
        penalty: this.penalty,
        mechanisms: this.mechanisms,
      },
      this.nextId++,
    );
    this.sessions.add(session);
    session.start();
  }

  private async shutdown(): Promise<void> {
    // net.Server#close calls back only once every connection has ended, so start it, end the
    // sessions, and then wait for it.
    const listenersClosed = Promise.all(this.listeners.map((l) => new Promise<void>((resolve) => l.close(() => resolve()))));
    const sessions = [...this.sessions];
    for (const s of sessions) s.shutdown();
    const grace = setTimeout(() => {
      for (const s of this.sessions) s.abort('shutdown');
    }, this.limits.shutdownGraceMs);
    grace.unref();
    await Promise.all(sessions.map((s) => s.done));
    clearTimeout(grace);
    await listenersClosed;
    this.logger.info('stopped');
  }
}

export function createServer(options: ServerOptions): Pop3Server {
  return new Pop3Server(options);
}

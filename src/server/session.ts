/**
 * One POP3 session on one connection (RFC 1939 §3-6, RFC 2449 §6.6 PIPELINING).
 *
 * Input is split into lines at the edge (LineSplitter) and queued; commands are handled strictly one
 * at a time, in order, through the verb table's single dispatch point. Reading pauses while the
 * queue is full or output is backed up, so neither a flood of pipelined commands nor a client that
 * never reads costs unbounded memory. Every byte goes out through send()/write().
 */
import { randomBytes } from 'node:crypto';
import type { Socket } from 'node:net';
import { setTimeout as delay } from 'node:timers/promises';
import { TLSSocket, type SecureContext } from 'node:tls';
import type { AuthPenalty } from '../auth/auth-penalty.js';
import { advertisedMechanisms, type SaslExchange, type SaslMechanism } from '../auth/sasl/index.js';
import { continueSasl } from './commands/auth.js';
import type { Logger } from 'pino';
import type { UserDirectory } from '../auth/types.js';
import { parseCommandLine } from '../protocol/command.js';
import { LineSplitter, type SplitEvent } from '../protocol/line-splitter.js';
import { formatStatusLine } from '../protocol/response.js';
import { stuff, TERMINATOR } from '../protocol/dot-stuffing.js';
import { StoreError, type MailStore } from '../store/types.js';
import { sendMessage, type MessageSink } from './body-writer.js';
import type { ServerLimits } from './config.js';
import { validate } from './command-spec.js';
import type { CommandTable } from './command-table.js';
import type { ConnectionCounts } from './connection-limits.js';
import type { LoginDelayTracker } from './login-delay.js';
import { MaildropView } from './maildrop-view.js';
import { Pop3Error, pop3Error } from './pop3-error.js';
import type { Reply } from './reply.js';
import type { ServerIdentity, SessionContext } from './session-context.js';
import type { ServerEvents, SessionResult } from './server-events.js';
import { transition, type SessionState } from './session-state.js';

export interface SessionDeps {
  readonly store: MailStore;
  readonly users: UserDirectory;
  readonly limits: Readonly<ServerLimits>;
  readonly identity: ServerIdentity;
  readonly table: CommandTable;
  readonly events: ServerEvents;
  readonly loginDelay: LoginDelayTracker;
  readonly logger: Logger;
  /** Per-user session counts (issue 8 limits). */
  readonly counts: ConnectionCounts;
  /** Called once the session is over, before 'session-end' is emitted. */
  readonly onClosed: (session: Session) => void;
  /** TLS for STLS (RFC 2595); undefined when the server has no certificate. */
  readonly tls: { readonly context: SecureContext } | undefined;
  /** Per-address penalty on failed logins; undefined turns it off (tests). */
  readonly penalty: AuthPenalty | undefined;
  /** SASL mechanisms the user directory supports (RFC 5034). */
  readonly mechanisms: readonly SaslMechanism[];
  /** Accept USER/PASS and PLAIN on unencrypted connections from any address. */
  readonly allowPlaintext: boolean;
  /** Treat loopback peers like encrypted ones for the plaintext policy (local clients, tests). */
  readonly loopbackIsTrusted: boolean;
}

function isLoopback(address: string | undefined): boolean {
  if (!address) return false;
  return address === '::1' || address.startsWith('127.') || address.startsWith('::ffff:127.');
}

/**
 * RFC 5034 §4: SASL responses "may be of arbitrary length" and are not bound by the 255-octet
 * command limit. Our mechanisms take at most MAX_SASL_MESSAGE_OCTETS (4096) decoded, 5464 in base64.
 */
const MAX_SASL_LINE_OCTETS = 8192;

/** Commands handled in a row before the session yields to the event loop. */
const YIELD_EVERY_COMMANDS = 64;

/** Size of the batches a listing (LIST, UIDL, CAPA) is written in. */
const LISTING_BATCH_OCTETS = 16 * 1024;

export class Session implements SessionContext {
  state: SessionState = 'AUTHORIZATION';
  view: MaildropView | undefined;
  pendingUser: string | undefined;
  readonly apopTimestamp: string;
  readonly log: Logger;

  private user: string | undefined;
  private sasl: SaslExchange | undefined;
  private claimedUser: string | undefined;
  private readonly splitter: LineSplitter;
  private readonly queue: SplitEvent[] = [];
  private processing = false;
  private paused = false;
  private peerEnded = false;
  private closed = false;
  private badCommands = 0;
  private idleTimer: NodeJS.Timeout | undefined;
  private result: SessionResult = 'dropped';
  private readonly started = Date.now();
  private bytesIn = 0;
  private bytesOut = 0;
  private commands = 0;
  private readonly finished: Promise<void>;
  /** Set by a refusal that ends the session (issue 8 limits): close once the reply is out. */
  private closeAfterReply = false;
  private updating: Promise<unknown> | undefined;
  readonly peer: string;
  private resolveFinished!: () => void;

  constructor(
    private socket: Socket,
    private readonly deps: SessionDeps,
    readonly id: number,
  ) {
    this.splitter = new LineSplitter(deps.limits.maxCommandOctets);
    const a = socket.remoteAddress ?? '?';
    this.peer = a.includes(':') ? `[${a}]:${socket.remotePort}` : `${a}:${socket.remotePort}`;
    this.apopTimestamp = `<${process.pid}.${randomBytes(6).toString('hex')}.${Date.now()}@${deps.identity.hostname}>`;
    this.log = deps.logger.child({ session: id, peer: this.peer });
    this.finished = new Promise((resolve) => (this.resolveFinished = resolve));
  }

  get users(): UserDirectory {
    return this.deps.users;
  }
  get store(): MailStore {
    return this.deps.store;
  }
  get limits(): Readonly<ServerLimits> {
    return this.deps.limits;
  }
  get identity(): ServerIdentity {
    return this.deps.identity;
  }
  /** Resolves when the connection is closed and the maildrop lock released. */
  get done(): Promise<void> {
    return this.finished;
  }
  get isBusy(): boolean {
    return this.processing;
  }

  start(): void {
    this.deps.events.emit('session-start', { id: this.id, peer: this.peer });
    this.attach(this.socket);
    // RFC 1939 §7: the timestamp announces APOP; without APOP users there is none.
    const stamp = this.deps.users.supports?.('apop') ? ` ${this.apopTimestamp}` : '';
    void this.write(formatStatusLine(true, `${this.identity.hostname} POP3 server ready${stamp}`));
    this.armIdleTimer();
  }

  private attach(socket: Socket): void {
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('end', () => {
      this.peerEnded = true;
      if (!this.processing && this.queue.length === 0) socket.destroySoon();
    });
    socket.on('error', (err) => this.log.debug({ err: err.message }, 'socket error'));
    socket.on('close', () => void this.onClose());
  }

  /** True once the connection is TLS (implicit TLS from the start, or after STLS). */
  get secure(): boolean {
    return this.socket instanceof TLSSocket;
  }

  get tlsAvailable(): boolean {
    return this.deps.tls !== undefined;
  }

  /**
   * RFC 3206 / issue 5 policy, like Dovecot's disable_plaintext_auth: cleartext passwords only over
   * TLS, from loopback, or when the operator allows them.
   */
  get plaintextAllowed(): boolean {
    return this.secure || this.deps.allowPlaintext || (this.deps.loopbackIsTrusted && isLoopback(this.socket.remoteAddress));
  }

  /**
   * RFC 2595 §4: after "+OK" to STLS, the TLS negotiation starts at once. Everything the client sent
   * before the handshake is discarded (STARTTLS command injection, CVE-2021-22946 class): the queue,
   * the partial line, and the USER given in plaintext.
   */
  private startTls(): void {
    const raw = this.socket;
    raw.removeAllListeners('data');
    raw.removeAllListeners('end');
    raw.removeAllListeners('close');
    raw.removeAllListeners('error');
    raw.on('error', () => undefined);
    this.queue.length = 0;
    this.splitter.reset();
    this.pendingUser = undefined;
    const secure = new TLSSocket(raw, { isServer: true, secureContext: this.deps.tls!.context });
    secure.once('secure', () => this.log.debug({ protocol: secure.getProtocol() }, 'STLS negotiated'));
    this.socket = secure;
    this.attach(secure);
  }

  /** Server shutdown: finish the command in progress (bounded by the caller), then close. */
  shutdown(): void {
    if (this.result === 'dropped') this.result = 'shutdown';
    this.queue.length = 0;
    this.peerEnded = true;
    if (!this.processing) this.socket.destroySoon();
  }

  /** Closes at once: no response, no UPDATE (RFC 1939 §3 autologout; §6). */
  abort(result: SessionResult): void {
    this.result = result;
    this.socket.destroy();
  }

  // --- SessionContext -------------------------------------------------------------------------

  async openMaildrop(user: string): Promise<Pop3Error | undefined> {
    const wait = this.deps.loginDelay.waitSeconds(user);
    if (wait > 0) return pop3Error('login-delay', `wait ${wait} seconds before logging in again`);
    try {
      const maildrop = await this.store.openMaildrop(user);
      if (this.closed) {
        await maildrop.release();
        return pop3Error('sys-temp', 'connection closed');
      }
      this.view = new MaildropView(maildrop);
      this.user = user;
      this.deps.penalty?.recordSuccess(this.remoteAddress);
      this.deps.loginDelay.recordLogin(user);
      this.log.info({ user, messages: maildrop.messages.length }, 'login');
      this.deps.events.emit('login', { user, peer: this.peer });
      return undefined;
    } catch (err) {
      if (!(err instanceof StoreError)) throw err;
      this.log.warn({ user, code: err.code, err: err.message }, 'maildrop not opened');
      switch (err.code) {
        case 'in-use':
          return pop3Error('in-use', 'maildrop is locked by another session');
        case 'not-found':
        case 'permanent':
          return pop3Error('sys-perm', 'maildrop cannot be opened, contact the administrator');
        default:
          return pop3Error('sys-temp', 'maildrop cannot be opened now, try again later');
      }
    }
  }

  authFailed(user: string | undefined): void {
    this.log.info({ user }, 'authentication failed');
    this.deps.penalty?.recordFailure(this.remoteAddress);
    this.deps.events.emit('auth-failure', { peer: this.peer, user });
  }

  claimUser(user: string): Pop3Error | undefined {
    if (this.claimedUser === user) return undefined;
    if (!this.deps.counts.claimUser(user, this.limits.maxSessionsPerUser)) {
      this.log.warn({ user }, 'refused: too many sessions for this user');
      this.closeAfterReply = true;
      return pop3Error('sys-temp', 'too many sessions for this user, try again later');
    }
    if (this.claimedUser !== undefined) this.deps.counts.releaseUser(this.claimedUser);
    this.claimedUser = user;
    return undefined;
  }

  async beforeCredentials(): Promise<Pop3Error | undefined> {
    const decision = this.deps.penalty?.check(this.remoteAddress);
    if (!decision) return undefined;
    if (decision.kind === 'refuse') {
      this.log.warn({ failures: decision.failures }, 'login refused: too many failures from this address');
      // RFC 3206: a passing condition, not the credentials: retrying later may work.
      return pop3Error('sys-temp', `too many failed logins from your address, try again in ${Math.ceil(decision.retryAfterMs / 1000)} seconds`);
    }
    if (decision.delayMs > 0) await delay(decision.delayMs, undefined, { ref: false });
    return undefined;
  }

  saslMechanisms(): readonly SaslMechanism[] {
    const usable = new Set(advertisedMechanisms(this.deps.mechanisms, { secure: this.secure, allowPlaintextPasswords: this.plaintextAllowed }));
    return this.deps.mechanisms.filter((m) => usable.has(m.name));
  }

  beginSasl(exchange: SaslExchange): void {
    this.sasl = exchange;
    this.splitter.maxLineOctets = MAX_SASL_LINE_OCTETS;
  }

  endSasl(): void {
    this.sasl = undefined;
    this.splitter.maxLineOctets = this.limits.maxCommandOctets;
  }

  private get remoteAddress(): string {
    return this.socket.remoteAddress ?? '';
  }

  // --- input ----------------------------------------------------------------------------------

  private onData(chunk: Buffer): void {
    this.bytesIn += chunk.length;
    for (const event of this.splitter.push(chunk)) this.queue.push(event);
    if (this.queue.length >= this.limits.maxQueuedCommands && !this.paused) {
      this.paused = true;
      this.socket.pause();
    }
    if (this.queue.length > 0) void this.pump();
  }

  private async pump(): Promise<void> {
    if (this.processing) return;
    this.processing = true;
    this.clearIdleTimer();
    try {
      let handled = 0;
      while (this.queue.length > 0 && !this.closed && this.state !== 'CLOSED') {
        // Let other sessions run between batches: one client pipelining a million commands must
        // not starve the rest (issue 8).
        if (++handled % YIELD_EVERY_COMMANDS === 0) await new Promise((resolve) => setImmediate(resolve));
        const event = this.queue.shift()!;
        if (this.paused && this.queue.length < this.limits.maxQueuedCommands / 2) {
          this.paused = false;
          this.socket.resume();
        }
        await this.handle(event);
      }
    } catch (err) {
      // A bug, not a client error: log it, tell the client, keep the server up.
      this.log.error({ err }, 'session failed');
      this.result = 'error';
      await this.send(pop3Error('sys-temp', 'internal error, closing'));
      this.close();
    } finally {
      this.processing = false;
    }
    if (this.closed || this.state === 'CLOSED') return;
    if (this.peerEnded) this.socket.destroySoon();
    else this.armIdleTimer();
  }

  private async handle(event: SplitEvent): Promise<void> {
    const startedAt = performance.now();
    const { verb, reply } = await this.dispatch(event);
    this.commands++;
    const ok = !(reply instanceof Pop3Error);
    this.deps.events.emit('command', { verb, ok, durationMs: performance.now() - startedAt });
    if (reply instanceof Pop3Error && reply.isBadCommand) {
      if (++this.badCommands >= this.limits.maxBadCommands) {
        this.result = 'too-many-errors';
        await this.send(pop3Error('too-many-errors', 'too many bad commands, closing'));
        this.close();
        return;
      }
    } else {
      this.badCommands = 0;
    }
    if (reply.kind === 'ok' && reply.then === 'quit') {
      await this.quit(reply.text);
      return;
    }
    await this.send(reply);
    if (this.closeAfterReply) {
      this.close();
      return;
    }
    if (reply.kind === 'ok' && reply.then) this.state = transition(this.state, reply.then);
    if (reply.kind === 'ok' && reply.upgrade === 'tls') this.startTls();
  }

  /** The one dispatch point: bytes -> typed command -> state/argument checks -> handler. */
  private async dispatch(event: SplitEvent): Promise<{ verb: string; reply: Reply }> {
    if (this.sasl) {
      // RFC 5034 §4: while an exchange is open, a line is a SASL response, not a command.
      if (event.kind === 'overflow') {
        this.endSasl();
        return { verb: 'AUTH', reply: pop3Error('line-too-long', 'authentication response too long') };
      }
      return { verb: 'AUTH', reply: await continueSasl(this, this.sasl, event.bytes.toString('latin1')) };
    }
    if (event.kind === 'overflow') {
      this.pendingUser = undefined;
      return { verb: '(too long)', reply: pop3Error('line-too-long', `command line too long, the limit is ${event.limit} octets`) };
    }
    const parsed = parseCommandLine(event.bytes);
    if (!parsed.ok) {
      this.pendingUser = undefined;
      const reply =
        parsed.reason === 'bad-keyword' ? pop3Error('unknown-command', 'unknown command') : pop3Error('syntax', parsed.reason === 'empty' ? 'empty command' : 'invalid characters in command');
      return { verb: '(invalid)', reply };
    }
    const { command } = parsed;
    const spec = this.deps.table.get(command.verb);
    if (!spec) {
      this.pendingUser = undefined;
      return { verb: '(unknown)', reply: pop3Error('unknown-command', 'unknown command') };
    }
    this.log.debug({ verb: spec.verb, args: spec.logArgs === false ? '(hidden)' : command.args }, 'command');
    if (spec.verb !== 'PASS') this.pendingUser = undefined;
    const args = validate(spec, command, this.state, this.view);
    if (args instanceof Pop3Error) {
      if (spec.verb === 'PASS') this.pendingUser = undefined;
      return { verb: spec.verb, reply: args };
    }
    return { verb: spec.verb, reply: await spec.handler(this, args) };
  }

  /** RFC 1939 §6: QUIT from TRANSACTION enters UPDATE; from AUTHORIZATION it just ends. */
  private async quit(text: string): Promise<void> {
    this.result = 'quit';
    this.state = transition(this.state, 'quit');
    if (this.state === 'UPDATE') {
      this.updating = this.update(text);
      const reply = (await this.updating) as Reply;
      this.state = transition(this.state, 'updated');
      await this.send(reply);
    } else {
      await this.send({ kind: 'ok', text });
    }
    this.close();
  }

  private async update(text: string): Promise<Reply> {
    const view = this.view!;
    const keys = view.deletedKeys;
    const left = view.totals().count;
    try {
      if (keys.length > 0) await view.maildrop.expunge(keys);
      this.deps.events.emit('expunged', { user: this.user!, count: keys.length, failed: 0 });
      return { kind: 'ok', text: `${text} (${left === 0 ? 'maildrop empty' : `${left} message${left === 1 ? '' : 's'} left`})` };
    } catch (err) {
      if (!(err instanceof StoreError)) throw err;
      this.log.error({ err: err.message, user: this.user }, 'UPDATE could not remove every deleted message');
      this.deps.events.emit('expunged', { user: this.user!, count: keys.length, failed: keys.length });
      return pop3Error('sys-temp', 'some deleted messages not removed');
    } finally {
      await this.releaseMaildrop();
    }
  }

  // --- output ---------------------------------------------------------------------------------

  private async send(reply: Reply): Promise<void> {
    if (reply instanceof Pop3Error) {
      await this.write(formatStatusLine(false, reply.text, reply.responseCode));
      return;
    }
    switch (reply.kind) {
      case 'ok':
        await this.write(formatStatusLine(true, reply.text));
        return;
      case 'challenge':
        // "+ " then base64; an empty challenge is "+ " alone (RFC 5034 §4).
        await this.write(Buffer.from(`+ ${reply.data.toString('base64')}\r\n`, 'latin1'));
        return;
      case 'lines': {
        let batch = [formatStatusLine(true, reply.text)];
        let size = 0;
        for (const line of reply.lines) {
          const bytes = stuff(Buffer.from(`${line}\r\n`, 'latin1'));
          batch.push(bytes);
          size += bytes.length;
          if (size >= LISTING_BATCH_OCTETS) {
            if (!(await this.write(Buffer.concat(batch)))) return;
            batch = [];
            size = 0;
          }
        }
        batch.push(TERMINATOR);
        await this.write(Buffer.concat(batch));
        return;
      }
      case 'message': {
        const head = formatStatusLine(true, reply.text);
        const sink: MessageSink = { write: (parts, written) => this.writeParts(parts, written) };
        const result = await sendMessage({ head, body: reply.body, topLines: reply.topLines, expectedOctets: reply.expectedOctets }, sink);
        switch (result.kind) {
          case 'sent':
            if (reply.topLines === undefined) this.deps.events.emit('retrieved', { user: this.user!, octets: result.octets });
            return;
          case 'gone':
            return;
          case 'changed':
          case 'failed': {
            const details = result.kind === 'changed' ? { promised: reply.expectedOctets, read: result.octets } : { err: result.error };
            if (!result.headSent) {
              // Nothing is out yet: the client can be told plainly, and the session goes on.
              this.log.warn(details, `message ${result.kind === 'changed' ? 'changed' : 'could not be read'} before it was sent`);
              await this.send(pop3Error('sys-temp', 'message cannot be read now, try again later'));
              return;
            }
            // The +OK is out and part of the body too: never end a short, long or broken body with
            // the terminator as if it were whole (issue 8); closing tells the client something broke.
            this.log.error(details, `message ${result.kind === 'changed' ? 'changed while it was sent' : 'could not be read while sending it'}; closing`);
            this.result = 'error';
            this.socket.destroy();
            return;
          }
        }
      }
    }
  }

  /** The one place bytes leave: resolves when the socket can take more, false once it is gone. */
  private write(bytes: Buffer): Promise<boolean> {
    return this.writeParts([bytes]);
  }

  /**
   * Writes the parts as one batch (corked: one writev, one loopback delivery). `written` runs exactly
   * once, when the socket is done with the buffers: on its write callback, or at once when nothing
   * was handed to it.
   */
  private writeParts(parts: readonly Buffer[], written?: () => void): Promise<boolean> {
    if (this.closed || this.socket.destroyed || parts.length === 0) {
      written?.();
      return Promise.resolve(!this.closed && !this.socket.destroyed);
    }
    const socket = this.socket;
    let octets = 0;
    for (const p of parts) octets += p.length;
    this.bytesOut += octets;
    this.deps.events.emit('bytes-sent', octets);
    const last = parts.length - 1;
    // Callbacks run in write order, so the last one means the socket is done with every part.
    const callback = written && ((): void => written());
    let more: boolean;
    if (last === 0) {
      more = socket.write(parts[0]!, callback);
    } else {
      socket.cork();
      for (let i = 0; i < last; i++) socket.write(parts[i]!);
      more = socket.write(parts[last]!, callback);
      socket.uncork();
    }
    if (more) return Promise.resolve(true);
    return new Promise((resolve) => {
      // A client that stops reading (its window full, the socket never drains) is idle too: the
      // autologout applies while output waits, or a RETR could hold the session and lock forever.
      const stuck = setTimeout(() => {
        this.log.info({ user: this.user }, 'client stopped reading; closing');
        this.abort('timeout');
      }, this.limits.idleTimeoutMs);
      const done = (): void => {
        clearTimeout(stuck);
        socket.off('drain', done);
        socket.off('close', done);
        resolve(!this.closed && !socket.destroyed);
      };
      socket.on('drain', done);
      socket.on('close', done);
    });
  }

  // --- lifecycle ------------------------------------------------------------------------------

  private armIdleTimer(): void {
    this.clearIdleTimer();
    this.idleTimer = setTimeout(() => {
      // RFC 1939 §3: on autologout, close without a response and without UPDATE.
      this.log.info({ user: this.user }, 'idle timeout');
      this.abort('timeout');
    }, this.limits.idleTimeoutMs);
    this.idleTimer.unref();
  }

  private clearIdleTimer(): void {
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = undefined;
  }

  /** Ends the connection once everything written has been flushed. */
  private close(): void {
    this.queue.length = 0;
    this.socket.destroySoon();
  }

  private async releaseMaildrop(): Promise<void> {
    const view = this.view;
    this.view = undefined;
    if (!view) return;
    try {
      await view.maildrop.release();
    } catch (err) {
      this.log.error({ err }, 'maildrop lock could not be released');
    }
  }

  private async onClose(): Promise<void> {
    this.closed = true;
    this.clearIdleTimer();
    this.queue.length = 0;
    // A session that ends without QUIT never enters UPDATE (RFC 1939 §6): release, remove nothing.
    // If UPDATE is under way, quit() releases the lock when it is done.
    if (this.state !== 'UPDATE') {
      this.state = transition(this.state, 'dropped');
      await this.releaseMaildrop();
    } else {
      await this.updating;
    }
    this.log.info(
      {
        user: this.user,
        result: this.result,
        commands: this.commands,
        bytesIn: this.bytesIn,
        bytesOut: this.bytesOut,
        durationMs: Date.now() - this.started,
      },
      'session end',
    );
    if (this.claimedUser !== undefined) this.deps.counts.releaseUser(this.claimedUser);
    this.deps.onClosed(this);
    this.deps.events.emit('session-end', {
      id: this.id,
      peer: this.peer,
      user: this.user,
      result: this.result,
      bytesIn: this.bytesIn,
      bytesOut: this.bytesOut,
      durationMs: Date.now() - this.started,
      commands: this.commands,
    });
    this.resolveFinished();
  }
}

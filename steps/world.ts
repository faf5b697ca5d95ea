/**
 * The World of one scenario: the parameters the runner passes (contract.ts WorldParameters), the
 * scenario's connections, what it noted along the way, and the helpers every step uses: opening
 * and naming connections, sending commands, logging in, attaching verdicts, and failing with a
 * message that names the requirement, the expected and the received.
 *
 * Every scenario opens its own connections and closes them in the After hook (hooks.ts), so
 * scenarios are independent and can run in parallel.
 */
import { setDefaultTimeout, setWorldConstructor, World, type IWorldOptions } from '@cucumber/cucumber';
import type tls from 'node:tls';
import {
  ClientError,
  Pop3Client,
  type Pop3Reply,
  type ResponseLine,
} from '../src/client/index.js';
import { VERDICT_MEDIA_TYPE, type VerdictAttachment, type WorldParameters } from '../src/harness/contract.js';
import { findCapability, type CapabilityList } from './support/capa.js';
import { capabilitiesBeforeTls } from './support/capa-probe.js';
import { expandPlaceholders, plainInitialResponse } from './support/placeholders.js';

/** One command (undefined for the greeting) and the reply read for it. */
export interface Exchange {
  readonly command: string | undefined;
  readonly reply: Pop3Reply;
}

export type SessionState = 'AUTHORIZATION' | 'TRANSACTION' | 'CLOSED';

export interface Connection {
  readonly name: string;
  readonly client: Pop3Client;
  readonly host: string;
  readonly port: number;
  readonly greeting: ResponseLine;
  /** Every reply read on this connection, greeting first. */
  readonly exchanges: Exchange[];
  /** The last reply read (the greeting right after connecting). */
  last: Exchange;
  /** The replies of the last pipelined batch, in the order the commands were sent. */
  batch: Exchange[];
  /** What the steps believe; the server is never asked. */
  state: SessionState;
  /** TLS is active: implicit TLS from the start (RFC 8314 §3.1), or after STLS (RFC 2595 §4). */
  secure: boolean;
  /** How the scenario asked for it, so a new connection under the same name is made alike. */
  readonly opened: OpenMode;
  /**
   * Octets sent after the last LF by the steps that read a reply per line they end ("… and reads
   * the reply to each line"): the start of a command a later write may finish.
   */
  unterminated: string;
}

/**
 * 'default': as the run says (--tls: plain, STLS first, or implicit TLS); 'plain': without STLS
 * even under --tls stls; 'secure': with TLS, by STLS if the run is plain (see openSecureConnection).
 */
export type OpenMode = 'default' | 'plain' | 'secure';

/** Where connections go: the target of the run, or a private bundled server (bundled.steps.ts). */
export interface Target {
  readonly host: string;
  readonly port: number;
  readonly tls: WorldParameters['tls'];
  readonly description: string;
}

/** The least time given to a reply to USER, PASS, APOP or AUTH (see PopWorld.replyTimeout). */
export const AUTH_REPLY_MS = 30_000;
const AUTH_VERBS = new Set(['USER', 'PASS', 'APOP', 'AUTH']);

/** Steps wait on the client's own per-response timeouts; this only stops a step that hangs. */
setDefaultTimeout(120_000);

export class PopWorld extends World<WorldParameters> {
  readonly connections = new Map<string, Connection>();
  /** Connections opened in bulk ("50 clients connect at once"), in order (also in `connections`). */
  crowd: Connection[] = [];
  /** The scenario's tags, from its pickle (hooks.ts). */
  tags: readonly string[] = [];
  /** A private bundled server replacing the target for this scenario (bundled.steps.ts). */
  privateTarget: (Target & { close(): Promise<void> }) | undefined;
  /** Maildrops given in the scenario, by user ("the maildrop of ${user} holds these messages:"). */
  readonly givenMaildrops = new Map<string, readonly Buffer[]>();
  /** Values a step noted for a later step ("the drop listing noted"). */
  readonly notes = new Map<string, unknown>();
  /** CAPA lists seen in this scenario, by state (for @capa-<TAG> verdicts). */
  readonly capaSeen: { AUTHORIZATION?: CapabilityList; TRANSACTION?: CapabilityList } = {};
  /** The CAPA list before login from the target (a cached probe, hooks.ts), if the scenario needed it. */
  capaProbe: CapabilityList | 'unsupported' | undefined;
  /** With --tls stls, the target's CAPA list before STLS (for @capa-STLS), if the scenario needed it. */
  capaBeforeTls: CapabilityList | 'unsupported' | undefined;
  /** The verdict attached so far, if any: later ones (the @capa- ones of the After hook) defer to it. */
  verdictAttached: VerdictAttachment | undefined;

  constructor(options: IWorldOptions<WorldParameters>) {
    super(options);
  }

  // --- target -------------------------------------------------------------------------------

  get target(): Target {
    if (this.privateTarget) return this.privateTarget;
    const p = this.parameters;
    return { host: p.host, port: p.port, tls: p.tls, description: `${p.host.includes(':') ? `[${p.host}]` : p.host}:${p.port}` };
  }

  get timeoutMs(): number {
    return this.parameters.timeoutMs ?? 10_000;
  }

  /** TLS options for implicit TLS and STLS (RFC 8314, RFC 2595), from the parameters. */
  tlsOptions(host: string): tls.ConnectionOptions {
    const isIp = /^[\d.]+$|:/.test(host);
    return { rejectUnauthorized: !this.parameters.tlsInsecure, ...(isIp ? {} : { servername: host }) };
  }

  // --- verdicts and failures ----------------------------------------------------------------

  /**
   * Attaches a verdict (contract.ts) and returns 'skipped', which a step returns so cucumber skips
   * the rest of the scenario: `return this.verdict('SKIP', 'why')`.
   */
  verdict(verdict: VerdictAttachment['verdict'], reason: string): 'skipped' {
    const v: VerdictAttachment = { verdict, reason };
    this.verdictAttached ??= v;
    this.attach(JSON.stringify(v), VERDICT_MEDIA_TYPE);
    return 'skipped';
  }

  /** The scenario's requirement IDs, for failure messages. */
  get requirements(): string[] {
    return this.tags.filter((t) => t.startsWith('@req-')).map((t) => t.slice('@req-'.length));
  }

  /**
   * Throws an assertion error naming the requirement(s), what was expected and what was received.
   * `reqs` defaults to every requirement the scenario covers.
   */
  fail(what: string, expected: string, received: string, reqs: readonly string[] = this.requirements): never {
    const head = reqs.length > 0 ? `[${reqs.join(', ')}] ` : '';
    throw new Error(this.mask(`${head}${what}\n  expected: ${expected}\n  received: ${received}`));
  }

  /** Strings made from a password (a base64 SASL message, RFC 5034 §4) that reports must not show. */
  readonly secretForms = new Set<string>();

  /**
   * Reports are shared: the accounts' passwords never appear in a message or a transcript, nor the
   * base64 forms of them the scenario sent (the PLAIN initial response, and those in secretForms).
   */
  mask(text: string): string {
    const p = this.parameters;
    const secrets = [p.account.pass, p.account2?.pass, p.apopAccount?.pass, plainInitialResponse(p), ...this.secretForms];
    let out = text;
    for (const secret of secrets.sort((a, b) => (b?.length ?? 0) - (a?.length ?? 0))) {
      if (secret !== undefined && secret.length >= 3) out = out.split(secret).join('********');
    }
    return out;
  }

  check(ok: boolean, what: string, expected: string, received: string, reqs?: readonly string[]): void {
    if (!ok) this.fail(what, expected, received, reqs);
  }

  // --- placeholders -------------------------------------------------------------------------

  /** Replaces ${user}, ${pass}, ${user2}, ${pass2}, ${wrong-pass} and ${unknown-user} in step text. */
  expand(text: string): string {
    return expandPlaceholders(text, this.parameters);
  }

  // --- connections --------------------------------------------------------------------------

  /** The connection a step used last: "the response", "the connection" mean its. */
  current: string | undefined;

  currentConnection(): Connection {
    if (this.current === undefined) throw new Error('step error: no connection has been used yet');
    return this.connection(this.current);
  }

  connection(name: string): Connection {
    const c = this.connections.get(name);
    if (!c) throw new Error(`step error: ${describeName(name)} has not connected yet (add "Given ${describeName(name)} is connected")`);
    return c;
  }

  /**
   * Opens a connection and reads the greeting. With `host`, connects to that address instead of
   * the target's (same port), e.g. "::1" for the IPv6 check. With STLS (--tls stls), upgrades
   * before anything else, so every scenario runs over TLS, unless `plain` (the STLS scenarios of
   * features/rfc2595/ issue STLS themselves).
   */
  async openConnection(name: string, opts: { host?: string; plain?: boolean; opened?: OpenMode } = {}): Promise<Connection> {
    const t = this.target;
    const host = opts.host ?? t.host;
    const client = await Pop3Client.connect({
      host,
      port: t.port,
      timeoutMs: this.timeoutMs,
      tls: t.tls === 'implicit' ? this.tlsOptions(host) : undefined,
    });
    // Listed before the greeting arrives, so the After hook attaches its transcript whatever happens.
    const opened = { name, client, host, port: t.port } as const;
    this.openedClients.push(opened);
    const greeting = await client.readLine();
    const first: Exchange = { command: undefined, reply: { line: greeting } };
    const mode: OpenMode = opts.opened ?? (opts.plain === true ? 'plain' : 'default');
    const conn: Connection = { ...opened, greeting, exchanges: [first], last: first, batch: [], state: greeting.ok ? 'AUTHORIZATION' : 'CLOSED', secure: t.tls === 'implicit', opened: mode, unterminated: '' };
    if (t.tls === 'stls' && greeting.ok && opts.plain !== true) await this.upgrade(conn, host);
    this.connections.get(name)?.client.destroy();
    this.connections.set(name, conn);
    if (!name.startsWith('crowd-') && name !== 'capa-probe') this.current = name;
    return conn;
  }

  /** Every client opened in this scenario, in order, for the transcripts (hooks.ts). */
  readonly openedClients: Array<{ readonly name: string; readonly client: Pop3Client; readonly host: string; readonly port: number }> = [];

  private async upgrade(conn: Connection, host: string): Promise<void> {
    const reply = await conn.client.request('STLS');
    conn.exchanges.push({ command: 'STLS', reply });
    if (!reply.line.ok) this.fail('STLS (--tls stls) was refused', '+OK', reply.line.text, ['RFC 2595 §4']);
    await conn.client.startTls(this.tlsOptions(host));
    conn.secure = true;
  }

  /** The TLS handshake on a connection whose STLS was just answered +OK (RFC 2595 §4). */
  async handshake(conn: Connection): Promise<void> {
    await conn.client.startTls(this.tlsOptions(conn.host));
    conn.secure = true;
  }

  /**
   * A connection with TLS active, however the run can make one: implicit TLS or STLS first
   * (--tls implicit / stls), else STLS when the target announces it (RFC 2595 §4). When it cannot,
   * attaches NOT-ADVERTISED and returns 'skipped' (return it from the step).
   */
  async openSecureConnection(name: string): Promise<Connection | 'skipped'> {
    if (this.target.tls !== 'none') return this.openConnection(name, { opened: 'secure' });
    const caps = await capabilitiesBeforeTls(this);
    if (caps === 'implicit' || caps === 'unsupported' || !findCapability(caps, 'STLS')) {
      return this.verdict('NOT-ADVERTISED', `needs TLS: ${caps === 'unsupported' ? 'CAPA is not implemented' : 'CAPA does not announce STLS'} (RFC 2595 §4), and the run is not --tls implicit`);
    }
    const conn = await this.openConnection(name, { opened: 'secure' });
    const ex = await this.send(conn, 'STLS');
    if (!ex.reply.line.ok) this.fail('STLS is announced but refused', '+OK, then the TLS negotiation', ex.reply.line.text, ['2595-STLS-1']);
    await this.handshake(conn);
    return conn;
  }

  /** A new connection under the name of `conn`, made the same way (after a refusal, say). */
  async reconnect(conn: Connection): Promise<Connection> {
    conn.client.destroy();
    conn.state = 'CLOSED';
    if (conn.opened === 'secure') {
      const again = await this.openSecureConnection(conn.name);
      if (again === 'skipped') this.fail('step error: TLS was available, then not', 'a TLS connection', 'none');
      return again;
    }
    return this.openConnection(conn.name, { opened: conn.opened });
  }

  /**
   * How long to wait for the reply to this command. Servers may slow down authentication on
   * purpose after failures (Dovecot's auth_penalty, the bundled server's: up to 15 s), so the
   * authentication commands get at least AUTH_REPLY_MS.
   */
  replyTimeout(commandLine: string): number {
    const verb = commandLine.split(' ', 1)[0]!.toUpperCase();
    return AUTH_VERBS.has(verb) ? Math.max(this.timeoutMs, AUTH_REPLY_MS) : this.timeoutMs;
  }

  /** Sends one command line exactly as given and reads its reply (and body, if it has one). */
  async send(conn: Connection, commandLine: string): Promise<Exchange> {
    const reply = await conn.client.request(commandLine, this.replyTimeout(commandLine));
    return this.record(conn, commandLine, reply);
  }

  record(conn: Connection, command: string | undefined, reply: Pop3Reply): Exchange {
    const ex: Exchange = { command, reply };
    conn.exchanges.push(ex);
    conn.last = ex;
    if (!conn.name.startsWith('crowd-') && conn.name !== 'capa-probe') this.current = conn.name;
    return ex;
  }

  /** Every reply read in this scenario, on every connection. */
  allExchanges(): Exchange[] {
    return [...this.connections.values()].flatMap((c) => c.exchanges);
  }
}

export function describeName(name: string): string {
  return name === 'A' ? 'the client' : `client ${name}`;
}

/** True for the error of a target that cannot be reached: the harness's ERROR, not a FAIL. */
export function isConnectError(err: unknown): err is ClientError {
  return err instanceof ClientError && err.kind === 'connect';
}

setWorldConstructor(PopWorld);

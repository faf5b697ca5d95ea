/**
 * TLS: STLS (RFC 2595 §4) issued by the scenario itself on a connection without TLS, the TLS
 * negotiation after its +OK, octets sent after STLS before the handshake (STARTTLS command
 * injection), implicit TLS (RFC 8314 §3.1) and the TLS version (RFC 8314 §4).
 */
import { Given, Then, When } from '@cucumber/cucumber';
import { ClientError } from '../src/client/index.js';
import { capabilitiesBeforeTls } from './support/capa-probe.js';
import { findCapability } from './support/capa.js';
import { logIn } from './support/session.js';
import { describeName, type Connection, type PopWorld } from './world.js';

const IMPLICIT_REASON = 'the run uses implicit TLS (--tls implicit): there is no connection without TLS to issue STLS on';

Given('{conn} is connected without TLS', async function (this: PopWorld, name: string) {
  if (this.target.tls === 'implicit') return this.verdict('SKIP', IMPLICIT_REASON);
  await this.openConnection(name, { plain: true });
  return undefined;
});

/**
 * RFC 2595 §4: STLS is announced in the CAPA list before TLS. (With --tls stls the run's own probe
 * is asked after STLS, so this one is asked without it.)
 */
Given('the server announces STLS before TLS', async function (this: PopWorld) {
  const caps = await capabilitiesBeforeTls(this);
  if (caps === 'implicit') return this.verdict('SKIP', IMPLICIT_REASON);
  if (caps === 'unsupported' || !findCapability(caps, 'STLS')) {
    return this.verdict('NOT-ADVERTISED', `${caps === 'unsupported' ? 'CAPA is not implemented' : 'CAPA does not announce STLS'} (RFC 2595 §4)`);
  }
  return undefined;
});

/**
 * RFC 2595 §4: "A TLS negotiation begins immediately after the CRLF at the end of the +OK response
 * from the server." Nothing else may follow the +OK in the clear.
 */
async function negotiate(world: PopWorld, conn: Connection): Promise<void> {
  const extra = conn.client.unread;
  world.check(extra.length === 0, 'the server sent more after "+OK" to STLS, before the TLS negotiation', 'the TLS negotiation right after the CRLF of +OK', JSON.stringify(extra.toString('latin1').slice(0, 80)), ['2595-STLS-4']);
  try {
    await world.handshake(conn);
  } catch (err) {
    world.fail('the TLS negotiation after +OK to STLS did not complete', 'a TLS handshake right after the CRLF of +OK', err instanceof Error ? err.message : String(err), ['2595-STLS-4']);
  }
}

/** RFC 2595 §4 applies to a server that implements STLS; one that refuses it does not. */
Then('the server accepted STLS, or does not offer it', function (this: PopWorld) {
  const ex = this.currentConnection().last;
  if (!ex.reply.line.ok) return this.verdict('SKIP', `STLS was refused ("${ex.reply.line.text}"): the server does not implement RFC 2595`);
  return undefined;
});

Then('the TLS negotiation succeeds', async function (this: PopWorld) {
  const conn = this.currentConnection();
  const stls = conn.last;
  this.check(stls.command?.toUpperCase() === 'STLS' && stls.reply.line.ok, 'step error: the last command was not an accepted STLS', '+OK to STLS', `${stls.command}: ${stls.reply.line.text}`);
  await negotiate(this, conn);
});

/** STLS as a precondition: +OK, then the TLS negotiation. */
When('{conn} starts TLS with STLS', async function (this: PopWorld, name: string) {
  const conn = this.connection(name);
  const ex = await this.send(conn, 'STLS');
  this.check(ex.reply.line.ok, 'STLS was refused', '+OK, then the TLS negotiation', ex.reply.line.text);
  await negotiate(this, conn);
});

/**
 * USER and PASS on a connection without TLS, for scenarios about the TRANSACTION state without
 * TLS. A server that refuses cleartext passwords there (RFC 2595 §2.3) leaves nothing to check.
 */
When('{conn} logs in without TLS, if the server allows it', async function (this: PopWorld, name: string) {
  try {
    await logIn(this, name);
  } catch (err) {
    const conn = this.connections.get(name);
    const last = conn?.last;
    if (!(err instanceof ClientError) && last && !last.reply.line.ok && /^(USER|PASS) /i.test(last.command ?? '')) {
      return this.verdict('SKIP', `the server refuses USER and PASS without TLS ("${last.reply.line.text}"), as RFC 2595 §2.3 allows; there is no session without TLS to check`);
    }
    throw err;
  }
  return undefined;
});

// --- STARTTLS command injection (RFC 2595 §4, §9) ------------------------------------------------

/**
 * "STLS" and another command in one write, as a man in the middle would add it (the client side of
 * RFC 2595 §4 says not to send anything before the negotiation is complete). Reads the reply to STLS.
 */
When('{conn} sends {string} and, in the same write, {string}', async function (this: PopWorld, name: string, first: string, second: string) {
  const conn = this.connection(name);
  const line = this.expand(first);
  await conn.client.writeRaw(Buffer.from(`${line}\r\n${this.expand(second)}\r\n`, 'latin1'));
  this.record(conn, line, await conn.client.readReply(false, this.timeoutMs));
});

/**
 * The octets after "STLS" CRLF are not TLS: a server may fail the negotiation on them (then they
 * were certainly not run as a command), or discard them. Either way the session under TLS must not
 * hold the USER they carried: PASS is then refused (RFC 1939 §7: PASS only right after USER).
 */
Then('the USER written after STLS is not executed after the TLS negotiation', async function (this: PopWorld) {
  const conn = this.currentConnection();
  try {
    await this.handshake(conn);
  } catch (err) {
    this.log(`the TLS negotiation failed on the octets sent after STLS (${err instanceof Error ? err.message : String(err)}): they were not run as a command`);
    return;
  }
  const pass = await this.send(conn, `PASS ${this.parameters.account.pass}`);
  this.check(
    !pass.reply.line.ok,
    'the server ran the USER sent in the clear before the TLS negotiation as a command of the TLS session (STARTTLS command injection)',
    '-ERR to PASS: no USER was given under TLS',
    pass.reply.line.text,
  );
});

// --- implicit TLS (RFC 8314 §3.1) and the TLS version (§4) ---------------------------------------

Given('the run uses implicit TLS', function (this: PopWorld) {
  if (this.target.tls !== 'implicit') return this.verdict('SKIP', 'needs implicit TLS: run with --tls implicit against the pop3s port (RFC 8314 §3.1)');
  return undefined;
});

Then('the connection of {conn} is TLS', function (this: PopWorld, name: string) {
  const conn = this.connection(name);
  this.check(conn.client.tlsProtocol !== undefined, `${describeName(name)} is not a TLS connection`, 'TLS', 'plain TCP');
});

/** RFC 8314 §4: "MUST support TLS 1.2 or later"; RFC 8996 retired TLS 1.0 and 1.1. */
Then('the TLS version of {conn} is 1.2 or later', function (this: PopWorld, name: string) {
  const version = this.connection(name).client.tlsProtocol;
  this.check(version === 'TLSv1.2' || version === 'TLSv1.3', 'the TLS version negotiated is older than TLS 1.2', 'TLSv1.2 or TLSv1.3', String(version));
});

/** RFC 8314 §4.1: over cleartext, the same refusal whether the credentials were right or not. */
Then('the client and client B got the same replies', function (this: PopWorld) {
  const texts = (name: string): string[] => this.connection(name).exchanges.slice(1).map((ex) => ex.reply.line.text);
  const a = texts('A');
  const b = texts('B');
  const differ = a.findIndex((t, i) => t !== b[i]);
  this.check(
    a.length === b.length && differ === -1,
    'the replies to the right and to the wrong password differ over cleartext: they tell whether the credentials were valid',
    'the same replies',
    differ === -1 ? `${a.length} replies against ${b.length}` : `"${a[differ]}" against "${b[differ]}"`,
  );
});

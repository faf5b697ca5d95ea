/**
 * The AUTH command of RFC 5034 §4 as a line-by-line exchange: sending AUTH with an initial
 * response, answering challenges (with base64, a literal line such as "*", or an empty line),
 * checking the challenges' form, and what the SASL capability (§3) lists. The flows of whole
 * mechanisms (PLAIN, LOGIN, CRAM-MD5, SCRAM-SHA-256) are in sasl-mechanisms.steps.ts.
 */
import { Given, Then, When } from '@cucumber/cucumber';
import { capabilitiesBeforeLogin, capabilitiesBeforeTls } from './support/capa-probe.js';
import { findCapability, parseCapabilities, type CapabilityList } from './support/capa.js';
import { decodeOctets } from './support/octets.js';
import { base64WithPadInside, challengeData, insertInBase64, isChallenge, toBase64 } from './support/sasl.js';
import { lastExchange } from './support/session.js';
import { AUTH_REPLY_MS, describeName, type Connection, type Exchange, type PopWorld } from './world.js';

// --- connections ------------------------------------------------------------------------------

/**
 * As a client sending a password would connect: over TLS when the target offers it (the run's
 * --tls, or STLS when announced), else without.
 */
Given('{conn} is connected over TLS if the target offers it', async function (this: PopWorld, name: string) {
  if (this.target.tls === 'none') {
    const caps = await capabilitiesBeforeTls(this);
    if (caps !== 'implicit' && caps !== 'unsupported' && findCapability(caps, 'STLS')) {
      const conn = await this.openSecureConnection(name);
      return conn === 'skipped' ? conn : undefined;
    }
  }
  await this.openConnection(name);
  return undefined;
});

Given('{conn} is connected over TLS', async function (this: PopWorld, name: string) {
  const conn = await this.openSecureConnection(name);
  return conn === 'skipped' ? conn : undefined;
});

// --- the SASL capability (RFC 5034 §3) ----------------------------------------------------------

/** The mechanisms of a SASL capability line, upper-cased (mechanism names are case-insensitive). */
export function saslMechanisms(list: CapabilityList | 'unsupported' | undefined): string[] {
  if (list === undefined || list === 'unsupported') return [];
  return findCapability(list, 'SASL')?.params.map((m) => m.toUpperCase()) ?? [];
}

/**
 * What CAPA announces on the connection in use, asked there (the list may differ with and without
 * TLS, RFC 5034 §3), or before login when no connection is open yet.
 */
async function capabilitiesHere(world: PopWorld): Promise<CapabilityList | 'unsupported'> {
  const conn = world.current === undefined ? undefined : world.connections.get(world.current);
  if (!conn || conn.state !== 'AUTHORIZATION' || conn.client.isClosed) return capabilitiesBeforeLogin(world);
  const ex = await world.send(conn, 'CAPA');
  if (!ex.reply.line.ok || !ex.reply.body) return 'unsupported';
  const list = parseCapabilities(ex.reply.body.data);
  world.capaSeen.AUTHORIZATION = list;
  return list;
}

Given('the server announces the SASL mechanism {word}', async function (this: PopWorld, mechanism: string) {
  const list = await capabilitiesHere(this);
  if (!saslMechanisms(list).includes(mechanism.toUpperCase())) {
    const what = list === 'unsupported' ? 'CAPA is not implemented' : findCapability(list, 'SASL') ? `the SASL capability does not list ${mechanism}` : 'CAPA does not announce SASL';
    const conn = this.current === undefined ? undefined : this.connections.get(this.current);
    return this.verdict('NOT-ADVERTISED', `${what}${conn ? ` on this connection${conn.secure ? ' (TLS)' : ' (no TLS)'}` : ''} (RFC 5034 §3)`);
  }
  return undefined;
});

/** The SASL mechanisms of the last CAPA reply on the connection in use. */
function lastSaslList(world: PopWorld): { mechanisms: string[]; line: string } {
  const ex = lastExchange(world.currentConnection(), 'CAPA') ?? world.fail('step error: CAPA was not sent', 'a CAPA reply', 'none');
  world.check(ex.reply.line.ok && ex.reply.body !== undefined, 'CAPA did not answer with a capability list', '+OK and a list', ex.reply.line.text, ['2449-CAPA-1']);
  const list = parseCapabilities(ex.reply.body!.data);
  return { mechanisms: saslMechanisms(list), line: findCapability(list, 'SASL')?.line ?? '(no SASL capability)' };
}

Then('the SASL capability lists {word}', function (this: PopWorld, mechanism: string) {
  const { mechanisms, line } = lastSaslList(this);
  this.check(mechanisms.includes(mechanism), `CAPA does not list ${mechanism}`, `SASL … ${mechanism} …`, line);
});

Then('the SASL capability does not list PLAIN or LOGIN', function (this: PopWorld) {
  const { mechanisms, line } = lastSaslList(this);
  this.check(!mechanisms.includes('PLAIN') && !mechanisms.includes('LOGIN'), 'a mechanism that sends the password in the clear is announced without TLS', 'neither PLAIN nor LOGIN', line);
});

Then('the SASL capability lists a mechanism other than PLAIN and LOGIN', function (this: PopWorld) {
  const { mechanisms, line } = lastSaslList(this);
  this.check(mechanisms.some((m) => m !== 'PLAIN' && m !== 'LOGIN'), 'every mechanism offered sends the password in the clear', 'also a mechanism such as SCRAM-SHA-256, CRAM-MD5 or GSSAPI', line);
});

Then('the capabilities do not include {word}', function (this: PopWorld, tag: string) {
  const ex = lastExchange(this.currentConnection(), 'CAPA') ?? this.fail('step error: CAPA was not sent', 'a CAPA reply', 'none');
  this.check(ex.reply.line.ok && ex.reply.body !== undefined, 'CAPA did not answer with a capability list', '+OK and a list', ex.reply.line.text, ['2449-CAPA-1']);
  const cap = findCapability(parseCapabilities(ex.reply.body!.data), tag);
  this.check(cap === undefined, `CAPA announces ${tag} here`, `no ${tag}`, cap?.line ?? '');
});

// --- sending ------------------------------------------------------------------------------------

/** Remembers a base64 form made from a step text that holds a password, so reports mask it. */
function guard(world: PopWorld, template: string, form: string): string {
  if (/\$\{(pass|pass2|secret)\}/.test(template)) world.secretForms.add(form);
  return form;
}

function bytesOf(world: PopWorld, template: string): Buffer {
  return decodeOctets(world.expand(template));
}

When('{conn} sends {string} with the base64 of {string}', async function (this: PopWorld, name: string, command: string, message: string) {
  const b64 = guard(this, message, toBase64(bytesOf(this, message)));
  await this.send(this.connection(name), `${this.expand(command)} ${b64}`);
});

When('{conn} sends {string} with the base64 of {string}, with {string} inserted in it', async function (this: PopWorld, name: string, command: string, message: string, insert: string) {
  const b64 = guard(this, message, insertInBase64(toBase64(bytesOf(this, message)), insert));
  await this.send(this.connection(name), `${this.expand(command)} ${b64}`);
});

When('{conn} sends {string} with the base64 of {string} in two padded pieces', async function (this: PopWorld, name: string, command: string, message: string) {
  const b64 = guard(this, message, base64WithPadInside(bytesOf(this, message)));
  await this.send(this.connection(name), `${this.expand(command)} ${b64}`);
});

/**
 * Sends one line of a SASL exchange (RFC 5034 §4: base64, "*", or empty) and reads the reply. The
 * last reply must be a challenge: a line sent after -ERR would be a command. Like the AUTH
 * command's, the reply may be slowed down on purpose by an auth penalty.
 */
export async function answerChallenge(world: PopWorld, conn: Connection, line: string): Promise<Exchange> {
  if (!isChallenge(conn.last.reply.line)) {
    world.fail(`there is no challenge to answer: ${conn.last.command === undefined ? 'the greeting' : JSON.stringify(conn.last.command.slice(0, 40))} was answered otherwise`, '"+ " and a base64 challenge', conn.last.reply.line.text);
  }
  const reply = await conn.client.request(line, Math.max(world.timeoutMs, AUTH_REPLY_MS));
  return world.record(conn, line, reply);
}

When('{conn} answers with the base64 of {string}', async function (this: PopWorld, name: string, message: string) {
  await answerChallenge(this, this.connection(name), guard(this, message, toBase64(bytesOf(this, message))));
});

When('{conn} answers {string}', async function (this: PopWorld, name: string, line: string) {
  await answerChallenge(this, this.connection(name), this.expand(line));
});

When('{conn} answers with an empty line', async function (this: PopWorld, name: string) {
  await answerChallenge(this, this.connection(name), '');
});

// --- challenges (RFC 5034 §4, §5) ---------------------------------------------------------------

function showLine(ex: Exchange): string {
  return JSON.stringify(ex.reply.line.raw.toString('latin1'));
}

Then('the response is a challenge', function (this: PopWorld) {
  const ex = this.currentConnection().last;
  this.check(isChallenge(ex.reply.line), `${describeName(this.currentConnection().name)} got no challenge`, '"+ " and base64', showLine(ex));
  this.check(challengeData(ex.reply.line) !== undefined, 'the challenge line holds more than "+", a space and base64', '"+" SP base64 CRLF', showLine(ex), ['5034-AUTH-4']);
});

Then('every challenge in the scenario is "+", a space and base64, and nothing else', function (this: PopWorld) {
  const challenges = this.allExchanges().filter((ex) => isChallenge(ex.reply.line));
  this.check(challenges.length > 0, 'step error: the scenario saw no challenge', 'at least one', 'none');
  const bad = challenges.filter((ex) => challengeData(ex.reply.line) === undefined).map(showLine);
  this.check(bad.length === 0, 'a challenge line holds more than "+", a space and base64', '"+" SP base64 CRLF', bad.join(', '), ['5034-AUTH-4']);
});

/** The reply to the AUTH command itself, sent without an initial response (RFC 5034 §4). */
Then('the AUTH command was answered with the empty challenge "+ "', function (this: PopWorld) {
  const conn = this.currentConnection();
  const ex = conn.exchanges.find((e) => e.command !== undefined && /^AUTH \S+$/i.test(e.command)) ?? this.fail('step error: no AUTH without an initial response was sent', 'AUTH <mechanism>', 'none');
  this.check(ex.reply.line.raw.equals(Buffer.from('+ \r\n')), `"${ex.command}" was not answered with the empty challenge`, '"+ " CRLF: "a line with only a "+", followed by a single space"', showLine(ex), ['5034-AUTH-6']);
});

// --- every mechanism (RFC 5034 §3) --------------------------------------------------------------

/**
 * RFC 5034 §3: the SASL line lists "SASL mechanisms that are supported". Each one is asked for on
 * a connection of its own, made like the one in use: it must start an exchange (a challenge), which
 * "*" then cancels (§4: "it MUST reject the AUTH command by sending an -ERR reply").
 */
Then('every SASL mechanism announced starts an exchange, which "*" cancels with -ERR', async function (this: PopWorld) {
  const base = this.currentConnection();
  const mechanisms = saslMechanisms(this.capaSeen.AUTHORIZATION ?? (await capabilitiesBeforeLogin(this)));
  if (mechanisms.length === 0) return this.verdict('NOT-ADVERTISED', 'CAPA does not announce SASL on this connection (RFC 5034 §3)');
  const problems: string[] = [];
  for (const [i, mechanism] of mechanisms.entries()) {
    let conn = base;
    if (i > 0) {
      const opened = base.opened === 'secure' ? await this.openSecureConnection(`M${i}`) : await this.openConnection(`M${i}`, { opened: base.opened });
      if (opened === 'skipped') return opened;
      conn = opened;
    }
    const ex = await this.send(conn, `AUTH ${mechanism}`);
    if (!isChallenge(ex.reply.line)) {
      problems.push(`AUTH ${mechanism}: ${showLine(ex)} (no challenge)`);
      continue;
    }
    if (challengeData(ex.reply.line) === undefined) problems.push(`AUTH ${mechanism}: ${showLine(ex)} is not "+" SP base64`);
    const cancel = await answerChallenge(this, conn, '*');
    if (cancel.reply.line.ok || cancel.reply.line.status === undefined) problems.push(`AUTH ${mechanism}, then "*": ${showLine(cancel)} (not -ERR)`);
  }
  this.check(problems.length === 0, 'not every mechanism announced starts an exchange that "*" cancels', `for each of ${mechanisms.join(' ')}: "+ …", then -ERR after "*"`, problems.join('\n            '));
  return undefined;
});

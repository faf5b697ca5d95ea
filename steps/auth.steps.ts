/**
 * Authentication (RFC 1939 §4, §7, §13): APOP and its greeting timestamp, what a server does after a
 * failed login, and the response codes of failed logins (RFC 2449 §8, RFC 3206 §5).
 *
 * APOP needs a shared secret: the APOP account's (worldParameters.apopAccount, --apop-user) when one
 * is given, else the main account's password. RFC 1939 §13 has a strict server refuse APOP for a
 * USER/PASS user, so "tries APOP" with the main account expects a refusal.
 */
import { Given, Then, When } from '@cucumber/cucumber';
import { apopDigest, greetingTimestamp } from '../src/client/index.js';
import { topLevel } from './support/codes.js';
import { isLockRefusal, LOCK_WAIT_MS, lockBackoff, verbOf } from './support/session.js';
import { secretAccount, UNKNOWN_USER, wrongPassword } from './support/placeholders.js';
import type { Account } from '../src/harness/contract.js';
import type { Connection, Exchange, PopWorld } from './world.js';

Given('the greeting holds an APOP timestamp', async function (this: PopWorld) {
  const conn = this.connections.get('A') ?? (await this.openConnection('A'));
  if (!greetingTimestamp(conn.greeting.text)) {
    return this.verdict('SKIP', 'the greeting has no timestamp "<…>", so the server does not offer APOP (RFC 1939 §7)');
  }
  return undefined;
});

/** RFC 822 §6.1: msg-id = "<" addr-spec ">", addr-spec = local-part "@" domain. */
Then('the timestamp looks like an RFC 822 msg-id "<local-part@domain>"', function (this: PopWorld) {
  const g = this.connection('A').greeting;
  const ts = greetingTimestamp(g.text);
  this.check(ts !== undefined && /^<[^<>@\s]+@[^<>@\s]+>$/.test(ts), 'the APOP timestamp is not an RFC 822 msg-id', '<local-part@domain>, e.g. <1896.697170952@dbc.mtview.ca.us>', String(ts));
});

Then('the greetings of the client, client B and client C hold three different timestamps', function (this: PopWorld) {
  const stamps = ['A', 'B', 'C'].map((n) => greetingTimestamp(this.connection(n).greeting.text) ?? '(none)');
  this.check(new Set(stamps).size === 3, 'the APOP timestamp was repeated in another greeting', 'a different timestamp in every greeting', stamps.join(' '));
});

/** One APOP command on `conn` as it is: the account's name and the digest of this greeting's timestamp and its secret. */
async function sendApop(world: PopWorld, conn: Connection, account: Account): Promise<Exchange> {
  const ts = greetingTimestamp(conn.greeting.text) ?? world.fail('the greeting has no APOP timestamp', '<…> in the greeting', conn.greeting.text);
  const ex = await world.send(conn, `APOP ${account.user} ${apopDigest(ts, account.pass)}`);
  if (ex.reply.line.ok) conn.state = 'TRANSACTION';
  return ex;
}

/**
 * APOP with MD5(timestamp + password). A refusal because the maildrop is in use (another scenario's
 * session) is retried on a new connection, which brings a new timestamp.
 */
async function apopWithPassword(world: PopWorld, name: string, account = world.parameters.account): Promise<Exchange> {
  const deadline = Date.now() + LOCK_WAIT_MS;
  for (let attempt = 1; ; attempt++) {
    let conn = world.connections.get(name);
    if (!conn || conn.client.isClosed || conn.state !== 'AUTHORIZATION') conn = await world.openConnection(name);
    const ex = await sendApop(world, conn, account);
    if (ex.reply.line.ok) return ex;
    if (!isLockRefusal(ex.reply.line) || Date.now() >= deadline) return ex;
    conn.client.destroy();
    conn.state = 'CLOSED';
    await lockBackoff(attempt);
  }
}

When('{conn} logs in with APOP, the password being the shared secret', async function (this: PopWorld, name: string) {
  await apopWithPassword(this, name, this.parameters.apopAccount ?? this.parameters.account);
});

When('{conn} tries APOP, the password being the shared secret', async function (this: PopWorld, name: string) {
  await apopWithPassword(this, name);
});

/**
 * The APOP command alone, on the connection in whatever state it is, with no retry and no new
 * connection: the fuzzers' regression scenarios (features/regressions/) replay a session command by
 * command, and "Then the response is …" says what the reply must be.
 */
When("{conn} sends APOP with the APOP account's name and the digest of its shared secret", async function (this: PopWorld, name: string) {
  await sendApop(this, this.connection(name), secretAccount(this.parameters));
});

Then('APOP is refused', function (this: PopWorld) {
  const ex = this.currentConnection().last;
  this.check(
    !ex.reply.line.ok,
    'the server lets this user log in both with USER/PASS and with APOP; RFC 1939 §13: "for a given mailbox name, either the USER/PASS command sequence or the APOP command is allowed, but not both"',
    '-ERR for APOP (the suite logs in with USER and PASS)',
    ex.reply.line.text,
  );
});

/** RFC 1939 §4: after a failed login the server may close; if it does not, QUIT is allowed. */
Then('the server either closed the connection or answers {string} with +OK', async function (this: PopWorld, command: string) {
  const conn = this.currentConnection();
  if (conn.client.isClosed) return;
  const ex = await this.send(conn, command);
  this.check(ex.reply.line.ok, `after a failed login the connection is open but "${command}" is refused`, '+OK (or the connection closed)', ex.reply.line.text);
});

// --- response codes of failed logins ------------------------------------------------------------

function repliesTo(world: PopWorld, match: (command: string) => boolean): Exchange[] {
  return world.allExchanges().filter((ex) => ex.command !== undefined && match(ex.command));
}

/** The reply that refused the wrong password of the main account: PASS <wrong-pass>. */
function wrongPasswordReply(world: PopWorld): Exchange {
  const bad = `PASS ${wrongPassword(world.parameters.account.pass)}`;
  return repliesTo(world, (c) => c === bad)[0] ?? world.fail('step error: no wrong password was sent', bad, 'none');
}

/** The reply that refused the unknown user: USER <unknown> if -ERR, else the PASS after it. */
function unknownUserReply(world: PopWorld): Exchange {
  const all = world.allExchanges();
  const i = all.findIndex((ex) => ex.command === `USER ${UNKNOWN_USER}`);
  if (i === -1) world.fail('step error: no unknown user was sent', `USER ${UNKNOWN_USER}`, 'none');
  const user = all[i]!;
  if (!user.reply.line.ok) return user;
  const next = all[i + 1];
  return next && verbOf(next.command) === 'PASS' ? next : world.fail('step error: no PASS followed the unknown USER', 'PASS …', 'none');
}

function hasCode(ex: Exchange, code: string): boolean {
  const c = ex.reply.line.status?.code;
  return c !== undefined && topLevel(c) === topLevel(code);
}

Given('the server sent a response code in this scenario', function (this: PopWorld) {
  if (!this.allExchanges().some((ex) => ex.reply.line.status?.code !== undefined)) {
    return this.verdict('SKIP', 'no reply in the scenario carried a response code');
  }
  return undefined;
});

Given('the server answered the wrong password with the response code {code}', function (this: PopWorld, code: string) {
  if (!hasCode(wrongPasswordReply(this), code)) return this.verdict('SKIP', `the wrong password was not answered [${code}]`);
  return undefined;
});

Then('the wrong password was answered -ERR with the response code {code}', function (this: PopWorld, code: string) {
  const ex = wrongPasswordReply(this);
  this.check(!ex.reply.line.ok && hasCode(ex, code), `a wrong password was not answered [${code}]`, `-ERR [${code}] …`, ex.reply.line.text);
});

Then('the unknown user was answered -ERR with the response code {code}', function (this: PopWorld, code: string) {
  const ex = unknownUserReply(this);
  this.check(!ex.reply.line.ok && hasCode(ex, code), `an unknown user was not answered [${code}] (at USER or PASS)`, `-ERR [${code}] …`, `${ex.command?.split(' ')[0]}: ${ex.reply.line.text}`);
});

Then('no reply to USER in the scenario carries the response code {code}', function (this: PopWorld, code: string) {
  const bad = repliesTo(this, (c) => verbOf(c) === 'USER').filter((ex) => hasCode(ex, code));
  this.check(bad.length === 0, `USER was answered [${code}], which tells a client which user names exist`, `no [${code}] on USER`, bad.map((ex) => `${ex.command}: ${ex.reply.line.text}`).join('; '));
});

/**
 * RFC 1939 §4: a second session on a maildrop that is in use cannot get the exclusive lock, so its
 * login is refused. A server without the lock accepts it: that is reported once, by
 * features/rfc1939/lock.feature (1939-LOCK-1); the scenarios about the code of the refusal then
 * have nothing to check.
 */
Then('the server refused the second login to the maildrop in use', function (this: PopWorld) {
  const ex = this.currentConnection().last;
  if (ex.reply.line.ok) {
    return this.verdict('SKIP', 'the server accepted a second session on a maildrop in use (no exclusive lock, RFC 1939 §4: reported by 1939-LOCK-1), so there is no refusal whose response code could be checked');
  }
  return undefined;
});

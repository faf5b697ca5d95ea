/**
 * Whole SASL exchanges over AUTH (RFC 5034 §4) with the mechanisms the suite can run as a client:
 * PLAIN (RFC 4616), LOGIN (the de-facto one), CRAM-MD5 (RFC 2195) and SCRAM-SHA-256 (RFC 7677 with
 * RFC 5802), the right way to log in, and the wrong ways a server must refuse. The client side is
 * support/sasl.ts, independent of the server's code.
 *
 * A login is retried on a new connection while the maildrop is in use by another scenario, as
 * USER/PASS logins are (support/session.ts).
 */
import { Then, When } from '@cucumber/cucumber';
import { secretAccount } from './support/placeholders.js';
import {
  challengeData,
  cramMd5Response,
  isChallenge,
  isMsgId,
  parseServerFirst,
  plainMessage,
  ScramSha256,
  toBase64,
  type ScramTampering,
  type ServerFirst,
} from './support/sasl.js';
import { isLockRefusal, LOCK_WAIT_MS, lockBackoff } from './support/session.js';
import { answerChallenge } from './sasl.steps.js';
import type { Connection, Exchange, PopWorld } from './world.js';

/**
 * Runs `exchange` on `name` (a connection in AUTHORIZATION, opened or made again alike) until it
 * is not refused for a maildrop in use. Returns the last reply; on +OK the session is in TRANSACTION.
 */
async function logInWith(world: PopWorld, name: string, exchange: (conn: Connection) => Promise<Exchange>): Promise<Exchange> {
  const deadline = Date.now() + LOCK_WAIT_MS;
  for (let attempt = 1; ; attempt++) {
    let conn = world.connections.get(name);
    if (!conn) conn = await world.openConnection(name);
    else if (conn.state !== 'AUTHORIZATION' || conn.client.isClosed) conn = await world.reconnect(conn);
    const ex = await exchange(conn);
    if (ex.reply.line.ok) {
      conn.state = 'TRANSACTION';
      return ex;
    }
    if (!isLockRefusal(ex.reply.line) || Date.now() >= deadline) return ex;
    conn.client.destroy();
    conn.state = 'CLOSED';
    await lockBackoff(attempt);
  }
}

/** The decoded data of the challenge `ex` carries, failing when it is not "+" SP base64. */
function challengeBytes(world: PopWorld, ex: Exchange): Buffer {
  const data = challengeData(ex.reply.line);
  if (data === undefined) world.fail('the challenge line holds more than "+", a space and base64', '"+" SP base64 CRLF', JSON.stringify(ex.reply.line.text), ['5034-AUTH-4']);
  return Buffer.from(data, 'base64');
}

// --- PLAIN and LOGIN --------------------------------------------------------------------------

/** One line, e.g. "AUTH PLAIN ${plain-ir}": the initial response carries the whole exchange. */
When('{conn} logs in with the AUTH command {string}', async function (this: PopWorld, name: string, command: string) {
  await logInWith(this, name, (conn) => this.send(conn, this.expand(command)));
});

When('{conn} logs in with AUTH PLAIN, answering the empty challenge', async function (this: PopWorld, name: string) {
  const { user, pass } = this.parameters.account;
  const response = toBase64(plainMessage('', user, pass));
  this.secretForms.add(response);
  await logInWith(this, name, async (conn) => {
    const ex = await this.send(conn, 'AUTH PLAIN');
    return isChallenge(ex.reply.line) ? answerChallenge(this, conn, response) : ex;
  });
});

/**
 * RFC 4616 §2 with SASLprep (RFC 4013 §2.1: U+00AD SOFT HYPHEN is "commonly mapped to nothing"):
 * the user name with a soft hyphen after its first character prepares to the user name.
 */
When('{conn} logs in with AUTH PLAIN, a soft hyphen after the first letter of the user name', async function (this: PopWorld, name: string) {
  const { user, pass } = this.parameters.account;
  const response = toBase64(plainMessage('', `${user.slice(0, 1)}\u00AD${user.slice(1)}`, pass));
  this.secretForms.add(response);
  await logInWith(this, name, (conn) => this.send(conn, `AUTH PLAIN ${response}`));
});

/** The user name, then the password, each answering a challenge ("Username:", "Password:"). */
When('{conn} logs in with AUTH LOGIN', async function (this: PopWorld, name: string) {
  const { user, pass } = this.parameters.account;
  const password = toBase64(pass);
  this.secretForms.add(password);
  await logInWith(this, name, async (conn) => {
    let ex = await this.send(conn, 'AUTH LOGIN');
    if (!isChallenge(ex.reply.line)) return ex;
    ex = await answerChallenge(this, conn, toBase64(user));
    return isChallenge(ex.reply.line) ? answerChallenge(this, conn, password) : ex;
  });
});

/** Three 255-octet fields (RFC 4616 §2), none of them the account's: -ERR is expected. */
When('{conn} answers with a PLAIN message whose three fields are 255 octets each', async function (this: PopWorld, name: string) {
  await answerChallenge(this, this.connection(name), toBase64(plainMessage('z'.repeat(255), 'y'.repeat(255), 'x'.repeat(255))));
});

// --- CRAM-MD5 (RFC 2195 §2) -----------------------------------------------------------------------

/** AUTH CRAM-MD5, its challenge decoded (noted per connection), then the digest of `secret`. */
async function cramMd5(world: PopWorld, conn: Connection, secret: string): Promise<Exchange> {
  const ex = await world.send(conn, 'AUTH CRAM-MD5');
  if (!isChallenge(ex.reply.line)) return ex;
  const challenge = challengeBytes(world, ex);
  return answerChallenge(world, conn, toBase64(cramMd5Response(secretAccount(world.parameters).user, secret, challenge)));
}

When('{conn} logs in with AUTH CRAM-MD5', async function (this: PopWorld, name: string) {
  await logInWith(this, name, (conn) => cramMd5(this, conn, secretAccount(this.parameters).pass));
});

When('{conn} tries AUTH CRAM-MD5 with a wrong digest', async function (this: PopWorld, name: string) {
  await cramMd5(this, this.connection(name), `${secretAccount(this.parameters).pass}-not`);
});

function cramChallenge(world: PopWorld, name: string): string {
  const conn = world.connection(name);
  const ex = conn.exchanges.find((e) => e.command === 'AUTH CRAM-MD5') ?? world.fail('step error: AUTH CRAM-MD5 was not sent', 'AUTH CRAM-MD5', 'none');
  if (!isChallenge(ex.reply.line)) world.fail('AUTH CRAM-MD5 was not answered with a challenge', '"+ " and base64', ex.reply.line.text);
  return challengeBytes(world, ex).toString('latin1');
}

Then('the CRAM-MD5 challenge is an RFC 822 msg-id {string}', function (this: PopWorld, _form: string) {
  const text = cramChallenge(this, this.currentConnection().name);
  this.check(isMsgId(text), 'the CRAM-MD5 challenge is not an RFC 822 msg-id', '<digits.timestamp@host>, e.g. <1896.697170952@postoffice.reston.mci.net>', JSON.stringify(text));
});

Then('the CRAM-MD5 challenges to the client and client B differ', function (this: PopWorld) {
  const a = cramChallenge(this, 'A');
  const b = cramChallenge(this, 'B');
  this.check(a !== b, 'two connections got the same CRAM-MD5 challenge, so a digest could be replayed', 'a new challenge every time', `${a} twice`);
});

// --- SCRAM-SHA-256 (RFC 7677 §3, RFC 5802) --------------------------------------------------------

/** What one SCRAM exchange showed, for the Then steps. */
interface ScramNotes {
  readonly scram: ScramSha256;
  serverFirst?: ServerFirst;
  /** The server-final-message, when it came (as a challenge: RFC 5034 §4). */
  serverFinal?: Buffer;
  /** The reply to the client's empty answer to the server-final-message. */
  afterFinal?: Exchange;
}

const SCRAM_NOTE = 'scram';

function scramNotes(world: PopWorld): ScramNotes {
  return (world.notes.get(SCRAM_NOTE) as ScramNotes | undefined) ?? world.fail('step error: no SCRAM exchange ran', 'a SCRAM exchange', 'none');
}

/**
 * client-first (with AUTH, or after the empty challenge) -> server-first -> client-final ->
 * server-final as a challenge -> an empty line -> the result. Stops at the first reply that is not
 * a challenge. With `tamper` the client-final-message is broken on purpose; then the server-final,
 * if any, is not answered here (the Then step looks at it).
 */
async function scramSha256(world: PopWorld, conn: Connection, options: { initial: boolean; password?: string; tamper?: ScramTampering }): Promise<Exchange> {
  const { user, pass } = world.parameters.account;
  const notes: ScramNotes = { scram: new ScramSha256(user, options.password ?? pass) };
  world.notes.set(SCRAM_NOTE, notes);
  const first = toBase64(notes.scram.clientFirst());
  let ex = await world.send(conn, options.initial ? `AUTH SCRAM-SHA-256 ${first}` : 'AUTH SCRAM-SHA-256');
  if (!options.initial && isChallenge(ex.reply.line)) ex = await answerChallenge(world, conn, first);
  if (!isChallenge(ex.reply.line)) return ex;
  const serverFirst = parseServerFirst(challengeBytes(world, ex));
  if (typeof serverFirst === 'string') world.fail('the server-first-message is malformed (RFC 5802 §7)', 'r=<nonce>,s=<salt>,i=<count>', serverFirst, ['7677-SCRAM-2', '7677-SCRAM-3']);
  notes.serverFirst = serverFirst;
  ex = await answerChallenge(world, conn, toBase64(notes.scram.clientFinal(serverFirst, options.tamper)));
  if (!isChallenge(ex.reply.line)) return ex;
  notes.serverFinal = challengeBytes(world, ex);
  if (options.tamper !== undefined || options.password !== undefined) return ex;
  ex = await answerChallenge(world, conn, '');
  notes.afterFinal = ex;
  return ex;
}

When('{conn} logs in with SCRAM-SHA-256', async function (this: PopWorld, name: string) {
  await logInWith(this, name, (conn) => scramSha256(this, conn, { initial: true }));
});

When('{conn} logs in with SCRAM-SHA-256 without an initial response', async function (this: PopWorld, name: string) {
  await logInWith(this, name, (conn) => scramSha256(this, conn, { initial: false }));
});

When('{conn} tries SCRAM-SHA-256 with a wrong password', async function (this: PopWorld, name: string) {
  await scramSha256(this, this.connection(name), { initial: true, password: `${this.parameters.account.pass}-not` });
});

When('{conn} tries SCRAM-SHA-256 with a nonce of its own in the client-final-message', async function (this: PopWorld, name: string) {
  await scramSha256(this, this.connection(name), { initial: true, tamper: { nonceSuffix: 'popcheck' } });
});

/** "c=" must be the base64 of the GS2 header of the first message, "n,,": "y,," is another one. */
When('{conn} tries SCRAM-SHA-256 with "c=" of another GS2 header in the client-final-message', async function (this: PopWorld, name: string) {
  await scramSha256(this, this.connection(name), { initial: true, tamper: { channelBinding: 'y,,' } });
});

Then('the server-first-message extends the client nonce and gives a salt and an iteration count', function (this: PopWorld) {
  const { scram, serverFirst } = scramNotes(this);
  const first = serverFirst ?? this.fail('no server-first-message came', 'r=<nonce>,s=<salt>,i=<count>', 'none');
  this.check(
    first.nonce.startsWith(scram.clientNonce) && first.nonce.length > scram.clientNonce.length,
    'the server nonce does not begin with the client nonce, or adds nothing to it (RFC 5802 §5: it "appends its own nonce to the client-specified one")',
    `r=${scram.clientNonce}…`,
    `r=${first.nonce}`,
    ['7677-SCRAM-2'],
  );
  this.check(first.salt.length > 0 && first.iterations > 0, 'the server-first-message has no salt or no iteration count', 's=<base64 salt>,i=<count>', first.text, ['7677-SCRAM-3']);
});

Then('the SCRAM iteration count is at least {int}', function (this: PopWorld, least: number) {
  const first = scramNotes(this).serverFirst ?? this.fail('no server-first-message came', 'i=<count>', 'none');
  this.check(first.iterations >= least, `the iteration count is below ${least}`, `i=${least} or more`, `i=${first.iterations}`);
});

Then('the server-final-message came as a challenge, and +OK after the empty response', function (this: PopWorld) {
  const { serverFinal, afterFinal } = scramNotes(this);
  this.check(serverFinal !== undefined, 'the exchange ended without a server-final-message in a challenge (RFC 5034 §4: no additional data with +OK)', '"+ " base64(v=…), then +OK', this.currentConnection().last.reply.line.text, ['5034-AUTH-21']);
  this.check(afterFinal?.reply.line.ok === true, 'the empty answer to the server-final-message was not answered +OK', '+OK', afterFinal?.reply.line.text ?? 'none', ['5034-AUTH-21']);
});

Then('the SCRAM server signature proves the server knows the password', function (this: PopWorld) {
  const { scram, serverFinal } = scramNotes(this);
  const final = serverFinal ?? this.fail('no server-final-message came', 'v=<ServerSignature>', 'none', ['7677-SCRAM-1']);
  this.check(scram.verifies(final), 'the server signature is wrong: the server did not prove it knows the password', 'v=base64(HMAC(ServerKey, AuthMessage))', JSON.stringify(final.toString('utf8')), ['7677-SCRAM-1']);
});

/**
 * RFC 5802 §5.1 e: a failed exchange may end with -ERR at once, or with a server-final-message
 * "e=..." (a challenge here), which the client answers with an empty line to get the -ERR. Any
 * other challenge (a server-first-message, or "v=") means the server went on as if all were right.
 */
Then('the SCRAM exchange fails, any server-final-message carrying "e="', async function (this: PopWorld) {
  const conn = this.currentConnection();
  let ex = conn.last;
  if (isChallenge(ex.reply.line)) {
    const text = challengeBytes(this, ex).toString('utf8');
    this.check(text.startsWith('e='), 'the server went on with the exchange instead of failing it', '-ERR, or a server-final-message "e=…"', JSON.stringify(text));
    ex = await answerChallenge(this, conn, '');
  }
  this.check(ex.reply.line.status !== undefined && !ex.reply.line.ok, 'the SCRAM exchange did not fail', '-ERR', ex.reply.line.text);
});

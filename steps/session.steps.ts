/**
 * The state of a session and of the maildrop across sessions (RFC 1939 §4-6): how many messages it
 * holds, marking messages as deleted, and noting a reply to compare it with a later one (in the same
 * session after RSET, or in a new session after QUIT or a dropped connection).
 */
import { Given, Then } from '@cucumber/cucumber';
import { logIn, parseDropListing, parseSingleListing, verbOf } from './support/session.js';
import { dropListing } from './listings.steps.js';
import type { Connection, Exchange, PopWorld } from './world.js';

async function statOf(world: PopWorld, conn: Connection): Promise<number> {
  const ex = await world.send(conn, 'STAT');
  const d = parseDropListing(ex.reply.line) ?? world.fail('STAT did not answer with a drop listing', '+OK nn mm', ex.reply.line.text, ['1939-STAT-1']);
  return d.count;
}

function tooFew(world: PopWorld, count: number, n: number): 'skipped' {
  return world.verdict('SKIP', `needs at least ${n} message${n === 1 ? '' : 's'} in the maildrop, which holds ${count} (run with --fixtures maildir:PATH to have known messages)`);
}

Given('the maildrop holds at least {int} message(s)', async function (this: PopWorld, n: number) {
  const conn = this.currentConnection();
  if (conn.state !== 'TRANSACTION') throw new Error('step error: "the maildrop holds …" needs a logged-in client');
  const count = await statOf(this, conn);
  return count < n ? tooFew(this, count, n) : undefined;
});

/** Counts the messages before the scenario logs in, on a connection of its own. */
Given('the maildrop of the main account holds at least {int} message(s)', async function (this: PopWorld, n: number) {
  const current = this.current;
  const conn = await logIn(this, 'count');
  const count = await statOf(this, conn);
  await this.send(conn, 'QUIT');
  await conn.client.waitForClose().catch(() => undefined);
  conn.state = 'CLOSED';
  this.current = current;
  return count < n ? tooFew(this, count, n) : undefined;
});

Given('{conn} has marked message {int} as deleted', async function (this: PopWorld, name: string, n: number) {
  const ex = await this.send(this.connection(name), `DELE ${n}`);
  this.check(ex.reply.line.ok, `DELE ${n} was refused`, '+OK', ex.reply.line.text, ['1939-DELE-1']);
});

Given('{conn} has marked every message as deleted', async function (this: PopWorld, name: string) {
  const conn = this.connection(name);
  const count = await statOf(this, conn);
  for (let i = 1; i <= count; i++) {
    const ex = await this.send(conn, `DELE ${i}`);
    this.check(ex.reply.line.ok, `DELE ${i} was refused`, '+OK', ex.reply.line.text, ['1939-DELE-1']);
  }
});

// --- noting replies -------------------------------------------------------------------------

Given('{conn} notes the reply to {string}', async function (this: PopWorld, name: string, command: string) {
  const line = this.expand(command);
  const ex = await this.send(this.connection(name), line);
  this.check(ex.reply.line.ok, `"${line}" was refused`, '+OK', ex.reply.line.text);
  this.notes.set(`reply:${line}`, ex);
});

/**
 * Compares what matters of two replies: for STAT the two totals, for LIST n / UIDL n the listing,
 * for the rest the status and the multi-line body, octet for octet. Free text after "+OK" may vary.
 */
function sameReply(a: Exchange, b: Exchange): boolean {
  if (a.reply.line.ok !== b.reply.line.ok) return false;
  const verb = verbOf(a.command);
  if (verb === 'STAT') {
    const x = parseDropListing(a.reply.line);
    const y = parseDropListing(b.reply.line);
    return x !== undefined && y !== undefined && x.count === y.count && x.octets === y.octets;
  }
  if (!a.reply.body && !b.reply.body && (verb === 'LIST' || verb === 'UIDL')) {
    const x = parseSingleListing(a.reply.line);
    const y = parseSingleListing(b.reply.line);
    return x !== undefined && y !== undefined && x.number === y.number && x.value === y.value;
  }
  const da = a.reply.body?.data;
  const db = b.reply.body?.data;
  return da === undefined ? db === undefined : db !== undefined && da.equals(db);
}

function show(ex: Exchange): string {
  const body = ex.reply.body ? ` + ${ex.reply.body.data.length} octets: ${JSON.stringify(ex.reply.body.data.toString('latin1').slice(0, 200))}` : '';
  return `${JSON.stringify(ex.reply.line.text)}${body}`;
}

Then('{conn} gets the same reply to {string} as noted', async function (this: PopWorld, name: string, command: string) {
  const line = this.expand(command);
  const noted = this.notes.get(`reply:${line}`) as Exchange | undefined;
  if (!noted) throw new Error(`step error: no reply to "${line}" was noted`);
  const ex = await this.send(this.connection(name), line);
  this.check(sameReply(noted, ex), `the reply to "${line}" changed`, show(noted), show(ex));
});

Then('the drop listing counts {int} message(s) fewer than noted, and the octets of message {int} fewer', function (this: PopWorld, fewer: number, n: number) {
  const noted = this.notes.get('reply:STAT') as Exchange | undefined;
  const listed = this.notes.get(`reply:LIST ${n}`) as Exchange | undefined;
  if (!noted || !listed) throw new Error(`step error: note the replies to "STAT" and "LIST ${n}" first`);
  const before = parseDropListing(noted.reply.line)!;
  const size = Number(parseSingleListing(listed.reply.line)?.value);
  const now = dropListing(this);
  const expected = `+OK ${before.count - fewer} ${before.octets - size}`;
  this.check(now.count === before.count - fewer && now.octets === before.octets - size, 'messages marked as deleted are still counted in the drop listing', expected, `+OK ${now.count} ${now.octets}`);
});

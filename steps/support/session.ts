/**
 * Logging in, and reading the listings of STAT, LIST and UIDL (RFC 1939 §5, §7) out of replies.
 *
 * The maildrop lock (RFC 1939 §4) allows one session per maildrop, and scenarios running in
 * parallel all use the main account: a login refused because the maildrop is in use ([IN-USE], or
 * a text about a lock) is retried on a fresh connection for up to LOCK_WAIT_MS. There is no event
 * to wait for, since the lock belongs to another scenario's session, so the retry polls with a
 * short, growing pause.
 */
import { setTimeout as delay } from 'node:timers/promises';
import type { Pop3Reply, ResponseLine } from '../../src/client/index.js';
import type { Connection, Exchange, PopWorld } from '../world.js';

/** How long a login waits for another scenario to release the maildrop. */
export const LOCK_WAIT_MS = 20_000;

export function isLockRefusal(line: ResponseLine): boolean {
  if (line.ok) return false;
  if (line.status?.code?.toUpperCase() === 'IN-USE') return true;
  return /\block|\bin[ -]use\b|\bbusy\b/i.test(line.text);
}

export function isLoginDelay(line: ResponseLine): boolean {
  return !line.ok && line.status?.code?.toUpperCase().startsWith('LOGIN-DELAY') === true;
}

/** Pause between two login attempts while another session holds the maildrop. */
export async function lockBackoff(attempt: number): Promise<void> {
  await delay(Math.min(25 * 2 ** Math.min(attempt, 5), 500));
}

/**
 * Logs `name` in with the main account (USER then PASS, or the given command lines), connecting
 * first if needed; on success the connection is in TRANSACTION state and its last reply is the
 * PASS reply. Fails the scenario, naming 1939-AUTH-1, when the server refuses.
 */
export async function logIn(world: PopWorld, name: string, commands?: readonly [string, string]): Promise<Connection> {
  let conn = world.connections.get(name);
  if (conn && conn.state === 'TRANSACTION') return conn;
  const [userLine, passLine] = commands ?? [`USER ${world.parameters.account.user}`, `PASS ${world.parameters.account.pass}`];
  const deadline = Date.now() + LOCK_WAIT_MS;
  for (let attempt = 1; ; attempt++) {
    if (!conn) conn = await world.openConnection(name);
    else if (conn.state === 'CLOSED' || conn.client.isClosed) conn = await world.reconnect(conn);
    const user = await world.send(conn, userLine);
    if (!user.reply.line.ok) {
      world.fail(`the server refused "${userLine.replace(/ .*/, ' …')}", so the suite cannot log in`, '+OK', user.reply.line.text, ['1939-AUTH-1']);
    }
    const pass = await world.send(conn, passLine);
    const line = pass.reply.line;
    if (line.ok) {
      conn.state = 'TRANSACTION';
      return conn;
    }
    if (isLockRefusal(line) && Date.now() < deadline) {
      // Another scenario's session holds the maildrop: start again on a new connection.
      conn.client.destroy();
      conn.state = 'CLOSED';
      await lockBackoff(attempt);
      continue;
    }
    if (isLockRefusal(line)) {
      world.fail(`the maildrop stayed in use for ${LOCK_WAIT_MS / 1000} s, so the suite could not log in (is another client using the account?)`, '+OK', line.text, ['1939-AUTH-2']);
    }
    if (isLoginDelay(line)) {
      world.fail('the server enforces a login delay (RFC 2449 §6.5); the suite logs in many times and cannot run against it', '+OK', line.text, ['1939-AUTH-2']);
    }
    world.fail('the server refused the login with the configured account', '+OK', line.text, ['1939-AUTH-1', '1939-PASS-2']);
  }
}

// --- finding replies ------------------------------------------------------------------------

export function verbOf(command: string | undefined): string | undefined {
  return command?.split(' ', 1)[0]?.toUpperCase();
}

/** The last exchange on `conn` whose command has this keyword (and, when given, this many arguments). */
export function lastExchange(conn: Connection, verb: string, args?: number): Exchange | undefined {
  for (let i = conn.exchanges.length - 1; i >= 0; i--) {
    const ex = conn.exchanges[i]!;
    if (verbOf(ex.command) !== verb) continue;
    const n = ex.command!.split(' ').length - 1;
    if (args === undefined || n === args) return ex;
  }
  return undefined;
}

// --- listings (RFC 1939 §5, §7) ---------------------------------------------------------------

export interface DropListing {
  readonly count: number;
  readonly octets: number;
  /** What follows the size, if anything (RFC 1939 §5 "makes no requirement on what follows"). */
  readonly rest: string;
}

/** "+OK nn mm[ ...]": returns undefined when the line is not a drop listing. */
export function parseDropListing(line: ResponseLine): DropListing | undefined {
  const m = /^\+OK (\d+) (\d+)(.*)$/s.exec(line.text);
  if (!m || (m[3] !== '' && !m[3]!.startsWith(' '))) return undefined;
  return { count: Number(m[1]), octets: Number(m[2]), rest: m[3]! };
}

export interface ListingLine {
  readonly number: number;
  /** The size (LIST) or the unique-id (UIDL). */
  readonly value: string;
  /** What follows the value, including its leading space ("" when nothing does). */
  readonly rest: string;
  readonly line: string;
}

/** Splits a decoded multi-line body into its lines (without CRLF). */
export function bodyLines(reply: Pop3Reply): string[] {
  const text = reply.body?.data.toString('latin1') ?? '';
  if (text === '') return [];
  const lines = text.split('\r\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
}

/**
 * A scan listing "n size" or a unique-id listing "n uid", with whatever follows after a space.
 * Returns undefined when the line does not start with a number, one space and a value.
 */
export function parseListingLine(line: string): ListingLine | undefined {
  const m = /^(\d+) ([^ ]+)(.*)$/s.exec(line);
  if (!m) return undefined;
  return { number: Number(m[1]), value: m[2]!, rest: m[3]!, line };
}

/** Every line of a multi-line LIST or UIDL reply, parsed; a line that does not parse fails. */
export function listingOf(world: PopWorld, ex: Exchange, what: string, req: string): ListingLine[] {
  if (!ex.reply.line.ok || !ex.reply.body) world.fail(`${ex.command} did not answer with a listing`, '+OK and a multi-line listing', ex.reply.line.text, [req]);
  return bodyLines(ex.reply).map((l) => parseListingLine(l) ?? world.fail(`a ${what} line is malformed`, 'a message number, a single space and a value', JSON.stringify(l), [req]));
}

/** The single-line form "+OK n value" of LIST n and UIDL n. */
export function parseSingleListing(line: ResponseLine): ListingLine | undefined {
  if (!line.ok) return undefined;
  const m = /^\+OK (.*)$/s.exec(line.text);
  return m ? parseListingLine(m[1]!) : undefined;
}

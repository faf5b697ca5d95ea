/**
 * The drop listing (STAT), scan listings (LIST) and unique-id listings (UIDL) of RFC 1939 §5, §7,
 * read from the replies the scenario received. "The drop listing" is the last STAT reply on the
 * connection in use, "the scan listing" the last LIST without argument, "the unique-id listing"
 * the last UIDL without argument.
 */
import { Then } from '@cucumber/cucumber';
import {
  bodyLines,
  lastExchange,
  listingOf,
  parseDropListing,
  parseSingleListing,
  verbOf,
  type DropListing,
  type ListingLine,
} from './support/session.js';
import type { Connection, Exchange, PopWorld } from './world.js';

export function dropListing(world: PopWorld, conn: Connection = world.currentConnection()): DropListing {
  const ex = lastExchange(conn, 'STAT') ?? world.fail('step error: no STAT was sent', 'a STAT reply', 'none');
  return (
    parseDropListing(ex.reply.line) ??
    world.fail('STAT did not answer with a drop listing', '"+OK" SP number-of-messages SP size-in-octets', JSON.stringify(ex.reply.line.text), ['1939-STAT-1'])
  );
}

function scanExchange(world: PopWorld): Exchange {
  return lastExchange(world.currentConnection(), 'LIST', 0) ?? world.fail('step error: no LIST was sent', 'a LIST reply', 'none');
}

export function scanListing(world: PopWorld): ListingLine[] {
  return listingOf(world, scanExchange(world), 'scan listing', '1939-LIST-2');
}

function uidlExchange(world: PopWorld): Exchange {
  return lastExchange(world.currentConnection(), 'UIDL', 0) ?? world.fail('step error: no UIDL was sent', 'a UIDL reply', 'none');
}

export function uniqueIdListing(world: PopWorld): ListingLine[] {
  return listingOf(world, uidlExchange(world), 'unique-id listing', '1939-UIDL-2');
}

// --- STAT -----------------------------------------------------------------------------------

Then('the response is a drop listing', function (this: PopWorld) {
  dropListing(this);
});

Then('the drop listing has nothing after the size', function (this: PopWorld) {
  const d = dropListing(this);
  this.check(d.rest === '', 'the drop listing has more after the size', `"+OK ${d.count} ${d.octets}" and CRLF`, JSON.stringify(`+OK ${d.count} ${d.octets}${d.rest}`));
});

Then('the drop listing counts {int} message(s)', function (this: PopWorld, n: number) {
  const d = dropListing(this);
  this.check(d.count === n, 'the drop listing counts the wrong number of messages', `${n} messages`, `${d.count} (${d.octets} octets)`);
});

Then('the drop listing gives the number of scan listings and the sum of their sizes', function (this: PopWorld) {
  const d = dropListing(this);
  const list = scanListing(this);
  const sum = list.reduce((a, l) => a + Number(l.value), 0);
  this.check(d.count === list.length && d.octets === sum, 'the drop listing does not agree with the scan listing', `+OK ${list.length} ${sum}`, `+OK ${d.count} ${d.octets}`);
});

// --- LIST -----------------------------------------------------------------------------------

function checkNumbering(world: PopWorld, lines: readonly ListingLine[], what: string, req: string): void {
  const numbers = lines.map((l) => l.number);
  const expected = numbers.map((_, i) => i + 1);
  world.check(numbers.join(',') === expected.join(','), `the ${what} is not numbered 1, 2, 3 ... in order`, expected.join(', '), numbers.join(', '), [req, '1939-NUM-1']);
  const stat = lastExchange(world.currentConnection(), 'STAT');
  const d = stat ? parseDropListing(stat.reply.line) : undefined;
  if (d) world.check(d.count === lines.length, `the ${what} does not have one line per message of the drop listing`, `${d.count} lines`, `${lines.length}`, [req]);
}

Then('the scan listing has one line per message, numbered from 1 in order', function (this: PopWorld) {
  checkNumbering(this, scanListing(this), 'scan listing', '1939-LIST-1');
});

Then('every scan listing is a message number, a single space and a size in octets', function (this: PopWorld) {
  const bad = scanListing(this).filter((l) => !/^\d+$/.test(l.value) || (l.rest !== '' && !l.rest.startsWith(' ')));
  this.check(bad.length === 0, 'a scan listing is not "number SP size"', 'e.g. "1 120"', bad.map((l) => JSON.stringify(l.line)).join(', '));
});

Then('every scan listing in the scenario has nothing after the size', function (this: PopWorld) {
  const lines: string[] = [];
  for (const ex of this.currentConnection().exchanges) {
    if (verbOf(ex.command) !== 'LIST' || !ex.reply.line.ok) continue;
    if (ex.reply.body) lines.push(...bodyLines(ex.reply));
    else lines.push(ex.reply.line.text.replace(/^\+OK /, ''));
  }
  const bad = lines.filter((l) => !/^\d+ \d+$/.test(l));
  this.check(lines.length > 0, 'step error: no scan listing was received', 'at least one', 'none');
  this.check(bad.length === 0, 'a scan listing has more after the size', '"number SP size" and CRLF', bad.map((l) => JSON.stringify(l)).join(', '));
});

Then('the body is empty', function (this: PopWorld) {
  const ex = this.currentConnection().last;
  this.check(ex.reply.body !== undefined && ex.reply.body.data.length === 0, `the reply to "${ex.command}" is not an empty multi-line response`, '"+OK …" CRLF "." CRLF', ex.reply.body ? `${ex.reply.body.data.length} octets of listing` : 'no body');
});

Then('the response is the scan listing of message {int} given by LIST', function (this: PopWorld, n: number) {
  const ex = this.currentConnection().last;
  const single = parseSingleListing(ex.reply.line);
  const fromList = scanListing(this).find((l) => l.number === n);
  this.check(single !== undefined && single.number === n && /^\d+$/.test(single.value), `LIST ${n} did not answer with its scan listing`, `+OK ${n} <size>`, ex.reply.line.text);
  this.check(fromList !== undefined && single!.value === fromList.value, `LIST ${n} and LIST disagree on the size of message ${n}`, `+OK ${n} ${fromList?.value ?? '?'}`, ex.reply.line.text);
});

Then('the scan listing does not list message {int}', function (this: PopWorld, n: number) {
  const hit = scanListing(this).find((l) => l.number === n);
  this.check(hit === undefined, `the scan listing lists message ${n}, which is marked as deleted`, `no line for message ${n}`, hit?.line ?? '');
});

Then('the scan listing lists message {int}', function (this: PopWorld, n: number) {
  const list = scanListing(this);
  this.check(list.some((l) => l.number === n), `the scan listing does not list message ${n}`, `a line "${n} <size>"`, list.map((l) => l.line).join(' | '));
});

Then('every message number and size in the scenario is a decimal number', function (this: PopWorld) {
  const bad: string[] = [];
  for (const ex of this.currentConnection().exchanges) {
    const verb = verbOf(ex.command);
    if (!ex.reply.line.ok) continue;
    if (verb === 'STAT' && !parseDropListing(ex.reply.line)) bad.push(ex.reply.line.text);
    if (verb === 'LIST' && ex.reply.body) for (const l of bodyLines(ex.reply)) if (!/^\d+ \d+/.test(l)) bad.push(l);
    if (verb === 'LIST' && !ex.reply.body && !/^\+OK \d+ \d+/.test(ex.reply.line.text)) bad.push(ex.reply.line.text);
  }
  this.check(bad.length === 0, 'a message number or size is not a decimal number', 'digits 0-9 only', bad.map((l) => JSON.stringify(l)).join(', '));
});

Then('for every message the size in the scan listing equals the octets of its body as RETR sends it', async function (this: PopWorld) {
  const conn = this.currentConnection();
  const bad: string[] = [];
  for (const l of scanListing(this)) {
    const ex = await this.send(conn, `RETR ${l.number}`);
    if (!ex.reply.line.ok || !ex.reply.body) {
      bad.push(`RETR ${l.number}: ${ex.reply.line.text}`);
      continue;
    }
    const octets = ex.reply.body.data.length;
    if (octets !== Number(l.value)) bad.push(`message ${l.number}: LIST says ${l.value}, RETR sent ${octets} octets (un-stuffed)`);
  }
  this.check(bad.length === 0, 'a scan listing does not give the exact size of its message', 'the size in octets of the message as sent, CRLF line ends, without byte-stuffing', bad.join('\n            '));
});

// --- UIDL -----------------------------------------------------------------------------------

Then('the unique-id listing has one line per message, numbered from 1 in order', function (this: PopWorld) {
  checkNumbering(this, uniqueIdListing(this), 'unique-id listing', '1939-UIDL-1');
});

Then('every unique-id listing in the scenario is a message number, a single space and a unique-id, with nothing after it', function (this: PopWorld) {
  const lines: string[] = [];
  for (const ex of this.currentConnection().exchanges) {
    if (verbOf(ex.command) !== 'UIDL' || !ex.reply.line.ok) continue;
    if (ex.reply.body) lines.push(...bodyLines(ex.reply));
    else lines.push(ex.reply.line.text.replace(/^\+OK /, ''));
  }
  this.check(lines.length > 0, 'step error: no unique-id listing was received', 'at least one', 'none');
  const bad = lines.filter((l) => !/^\d+ [\x21-\x7e]+$/.test(l));
  this.check(bad.length === 0, 'a unique-id listing is not "number SP unique-id" with nothing after it', 'e.g. "1 whqtswO00WBw418f9t5JxYwZ"', bad.map((l) => JSON.stringify(l)).join(', '));
});

Then('every unique-id is 1 to 70 characters from 0x21 to 0x7E', function (this: PopWorld) {
  const bad = uniqueIdListing(this).filter((l) => !/^[\x21-\x7e]{1,70}$/.test(l.value) || l.rest !== '');
  this.check(bad.length === 0, 'a unique-id is not 1 to 70 characters in 0x21..0x7E', '1*70 of %x21-7E', bad.map((l) => JSON.stringify(l.line)).join(', '));
});

Then('the unique-ids are all different', function (this: PopWorld) {
  const seen = new Map<string, number>();
  const dup: string[] = [];
  for (const l of uniqueIdListing(this)) {
    const other = seen.get(l.value);
    if (other !== undefined) dup.push(`messages ${other} and ${l.number} share "${l.value}"`);
    seen.set(l.value, l.number);
  }
  this.check(dup.length === 0, 'two different messages have the same unique-id', 'a different unique-id for each message', dup.join('; '));
});

Then('the response is the unique-id listing of message {int} given by UIDL', function (this: PopWorld, n: number) {
  const ex = this.currentConnection().last;
  const single = parseSingleListing(ex.reply.line);
  const fromList = uniqueIdListing(this).find((l) => l.number === n);
  this.check(single !== undefined && single.number === n, `UIDL ${n} did not answer with its unique-id listing`, `+OK ${n} <unique-id>`, ex.reply.line.text);
  this.check(fromList !== undefined && single!.value === fromList.value, `UIDL ${n} and UIDL disagree on the unique-id of message ${n}`, `+OK ${n} ${fromList?.value ?? '?'}`, ex.reply.line.text);
});

Then('the unique-id listing does not list message {int}', function (this: PopWorld, n: number) {
  const hit = uniqueIdListing(this).find((l) => l.number === n);
  this.check(hit === undefined, `the unique-id listing lists message ${n}, which is marked as deleted`, `no line for message ${n}`, hit?.line ?? '');
});

Then('the unique-id listing lists message {int}', function (this: PopWorld, n: number) {
  const list = uniqueIdListing(this);
  this.check(list.some((l) => l.number === n), `the unique-id listing does not list message ${n}`, `a line "${n} <unique-id>"`, list.map((l) => l.line).join(' | '));
});

Then('the unique-id listing is the noted one without message {int}, renumbered from 1', function (this: PopWorld, n: number) {
  const noted = this.notes.get('reply:UIDL') as Exchange | undefined;
  if (!noted) throw new Error('step error: no UIDL reply was noted');
  const before = listingOf(this, noted, 'unique-id listing', '1939-UIDL-2');
  const expected = before.filter((l) => l.number !== n).map((l, i) => `${i + 1} ${l.value}`);
  const now = uniqueIdListing(this).map((l) => `${l.number} ${l.value}`);
  this.check(now.join('\n') === expected.join('\n'), 'the remaining messages do not keep their unique-ids', expected.join(' | '), now.join(' | '));
});


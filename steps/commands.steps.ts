/**
 * Sending commands: one at a time, as exact octets, of a given length, split one octet per write
 * (RFC 1939 §3: a command ends at its CRLF), and pipelined in one write (RFC 2449 §6.6). Every
 * reply is read with the shared codec through the client and kept on its connection.
 */
import { Then, When, type DataTable } from '@cucumber/cucumber';
import { ClientError, expectsMultiLine, type Pop3Reply } from '../src/client/index.js';
import { decodeOctets } from './support/octets.js';
import { isLockRefusal, LOCK_WAIT_MS, lockBackoff, parseDropListing, verbOf } from './support/session.js';
import type { Connection, Exchange, PopWorld } from './world.js';

When('{conn} sends {string}', async function (this: PopWorld, name: string, command: string) {
  await this.send(this.connection(name), this.expand(command));
});

When('{conn} sends {string} unless USER was refused', async function (this: PopWorld, name: string, command: string) {
  const conn = this.connection(name);
  if (verbOf(conn.last.command) === 'USER' && !conn.last.reply.line.ok) return;
  await this.send(conn, this.expand(command));
});

/** Writes octets (with escapes) and reads one reply; multi-line when the command text says so. */
When('{conn} sends the octets {string}', async function (this: PopWorld, name: string, octets: string) {
  const conn = this.connection(name);
  const bytes = decodeOctets(this.expand(octets));
  await conn.client.writeRaw(bytes);
  const text = bytes.toString('latin1').replace(/\r?\n$/, '');
  this.record(conn, text, await conn.client.readReply(expectsMultiLine(text), this.replyTimeout(text)));
});

/**
 * Writes octets that may hold several command lines, or part of one, and reads one reply per line
 * they end: the server splits commands at LF (RFC 1939 §3 ends them with CRLF; a bare LF ends one
 * too, src/protocol/line-splitter.ts), and a line started by an earlier step of this form counts
 * once it ends. A reply is multi-line when its line's text says so. The server may close the
 * connection on hostile input: the reading then stops there (a later step checks the close). The
 * replies are the connection's batch, as for pipelined commands (RFC 2449 §6.6).
 */
async function sendOctetsReadingEachLine(world: PopWorld, name: string, octets: string, split: boolean): Promise<void> {
  const conn = world.connection(name);
  const bytes = decodeOctets(world.expand(octets));
  if (split) await conn.client.writeSplit(bytes, Array.from({ length: bytes.length - 1 }, (_, i) => i + 1));
  else await conn.client.writeRaw(bytes);
  const lines = (conn.unterminated + bytes.toString('latin1')).split('\n');
  conn.unterminated = lines.pop()!;
  const batch: Exchange[] = [];
  for (const line of lines.map((l) => l.replace(/\r$/, ''))) {
    let reply: Pop3Reply;
    try {
      reply = await conn.client.readReply(expectsMultiLine(line), world.replyTimeout(line));
    } catch (err) {
      if (!(err instanceof ClientError) || err.kind !== 'closed') throw err;
      conn.state = 'CLOSED';
      break;
    }
    batch.push(world.record(conn, line, reply));
  }
  conn.batch = batch;
  world.current = conn.name;
}

When('{conn} sends the octets {string} and reads the reply to each line', async function (this: PopWorld, name: string, octets: string) {
  await sendOctetsReadingEachLine(this, name, octets, false);
});

When('{conn} sends the octets {string} one octet per write and reads the reply to each line', async function (this: PopWorld, name: string, octets: string) {
  await sendOctetsReadingEachLine(this, name, octets, true);
});

/** "VERB xxxx…" with as many filler octets as make `octets` in all, CRLF included. */
function commandOfLength(world: PopWorld, verb: string, octets: number): string {
  const fill = octets - verb.length - 1 - 2;
  if (fill < 1) throw new Error(`step error: a ${verb} command cannot be ${octets} octets`);
  return `${verb} ${'x'.repeat(fill)}`;
}

When('{conn} sends a {word} command of {int} octets', async function (this: PopWorld, name: string, verb: string, octets: number) {
  await this.send(this.connection(name), commandOfLength(this, verb, octets));
});

async function sendSplit(world: PopWorld, conn: Connection, line: string): Promise<Exchange> {
  const bytes = Buffer.from(`${line}\r\n`, 'latin1');
  await conn.client.writeSplit(bytes, Array.from({ length: bytes.length - 1 }, (_, i) => i + 1));
  return world.record(conn, line, await conn.client.readReply(expectsMultiLine(line), world.replyTimeout(line)));
}

When('{conn} sends a {word} command of {int} octets, one octet per write', async function (this: PopWorld, name: string, verb: string, octets: number) {
  await sendSplit(this, this.connection(name), commandOfLength(this, verb, octets));
});

When('{conn} sends {string} one octet per write', async function (this: PopWorld, name: string, command: string) {
  await sendSplit(this, this.connection(name), this.expand(command));
});

/** RFC 1939 §5 "LIST 3 → -ERR no such message, only 2 messages": the first number past the end. */
When('{conn} sends {string} for the message after the last one', async function (this: PopWorld, name: string, verb: string) {
  const conn = this.connection(name);
  const stat = await this.send(conn, 'STAT');
  const drop = parseDropListing(stat.reply.line) ?? this.fail('STAT did not give a drop listing', '+OK nn mm', stat.reply.line.text, ['1939-STAT-1']);
  const n = drop.count + 1;
  await this.send(conn, verb.toUpperCase() === 'TOP' ? `${verb} ${n} 0` : `${verb} ${n}`);
});

// --- pipelining (RFC 2449 §6.6) ---------------------------------------------------------------

function commandsOf(world: PopWorld, table: DataTable): string[] {
  return table.raw().map((row) => world.expand(row[0] ?? ''));
}

/**
 * Writes the commands at once (or one octet per write) and reads one reply per command, in order.
 * If the batch logs in and its PASS is refused because another scenario holds the maildrop, the
 * whole batch is sent again on a new connection (see support/session.ts).
 */
async function sendBatch(world: PopWorld, name: string, commands: readonly string[], split: boolean): Promise<void> {
  const deadline = Date.now() + LOCK_WAIT_MS;
  for (let attempt = 1; ; attempt++) {
    let conn = world.connection(name);
    if (conn.client.isClosed) conn = await world.openConnection(name);
    const bytes = Buffer.from(commands.map((c) => `${c}\r\n`).join(''), 'latin1');
    if (split) await conn.client.writeSplit(bytes, Array.from({ length: bytes.length - 1 }, (_, i) => i + 1));
    else await conn.client.writeRaw(bytes);
    const batch: Exchange[] = [];
    for (const command of commands) {
      const reply: Pop3Reply = await conn.client.readReply(expectsMultiLine(command), world.replyTimeout(command));
      batch.push(world.record(conn, command, reply));
      if (verbOf(command) === 'PASS' && reply.line.ok) conn.state = 'TRANSACTION';
      if (verbOf(command) === 'QUIT' && reply.line.ok) break;
    }
    conn.batch = batch;
    const lockRefused = batch.some((ex) => verbOf(ex.command) === 'PASS' && isLockRefusal(ex.reply.line));
    if (!lockRefused || Date.now() >= deadline) return;
    conn.client.destroy();
    conn.state = 'CLOSED';
    await world.openConnection(name);
    await lockBackoff(attempt);
  }
}

When('{conn} sends these commands in one write:', async function (this: PopWorld, name: string, table: DataTable) {
  await sendBatch(this, name, commandsOf(this, table), false);
});

When('{conn} sends these commands one octet per write:', async function (this: PopWorld, name: string, table: DataTable) {
  await sendBatch(this, name, commandsOf(this, table), true);
});

When('{conn} sends {string} {int} times in one write', async function (this: PopWorld, name: string, command: string, times: number) {
  await sendBatch(this, name, Array.from({ length: times }, () => this.expand(command)), false);
});

Then('the replies come in order:', function (this: PopWorld, table: DataTable) {
  const conn = this.currentConnection();
  const rows = table.raw().map(([command, status]) => ({ command: this.expand(command ?? ''), status: (status ?? '').trim() }));
  this.check(conn.batch.length === rows.length, 'the server did not answer every pipelined command', `${rows.length} replies`, `${conn.batch.length}`);
  rows.forEach((row, i) => {
    const ex = conn.batch[i]!;
    this.check(ex.command === row.command, 'step error: the table does not list the commands in the order sent', row.command, String(ex.command));
    this.check(
      ex.reply.line.ok === (row.status === '+OK'),
      `reply ${i + 1} (to "${row.command.replace(/^PASS .*/, 'PASS …')}") is not the answer to that command: replies must come in the order of the commands`,
      row.status,
      ex.reply.line.text,
    );
  });
});

/** The status of each reply to the last write of several lines, in the order of the lines. */
Then('the replies to those lines are, in order, {statuses}', function (this: PopWorld, statuses: string[]) {
  const batch = this.currentConnection().batch;
  const got = batch.map((ex) => (ex.reply.line.ok ? '+OK' : ex.reply.line.status ? '-ERR' : JSON.stringify(ex.reply.line.text)));
  this.check(
    got.length === statuses.length && got.every((s, i) => s === statuses[i]),
    'the replies to the lines written at once are not the expected ones (a missing reply: the server closed the connection or did not answer)',
    statuses.join(', '),
    got.join(', ') || 'no reply',
  );
});

Then('there are {int} replies, all +OK and all the same', function (this: PopWorld, n: number) {
  const batch = this.currentConnection().batch;
  this.check(batch.length === n, 'not every pipelined command was answered', `${n} replies`, `${batch.length}`);
  const first = batch[0]?.reply.line.text;
  const odd = batch.findIndex((ex) => !ex.reply.line.ok || ex.reply.line.text !== first);
  this.check(odd === -1, `reply ${odd + 1} differs from the first`, String(first), batch[odd]?.reply.line.text ?? '');
});

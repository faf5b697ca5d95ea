/**
 * Comparing what the server sent with the known messages (fixtures/messages/, written into the
 * maildrop by the @fixtures hook): RETR and TOP bodies against the canonical CRLF form of the
 * fixture (RFC 1939 §3, §5, §7), sizes against its length (§11), and byte-stuffing on the wire.
 */
import { Then } from '@cucumber/cucumber';
import type { Pop3Reply } from '../src/client/index.js';
import { visible } from '../src/client/index.js';
import { expectedTop, loadFixtures, type Fixture } from './support/fixtures.js';
import { lastExchange, parseSingleListing } from './support/session.js';
import { dropListing, scanListing } from './listings.steps.js';
import type { PopWorld } from './world.js';

async function fixture(world: PopWorld, n: number): Promise<Fixture> {
  const all = await loadFixtures();
  return all[n - 1] ?? world.fail(`step error: there is no fixture message ${n}`, `1..${all.length}`, String(n));
}

/** Where two buffers first differ, with a little context on each side. */
export function firstDifference(got: Buffer, want: Buffer): string {
  let i = 0;
  while (i < got.length && i < want.length && got[i] === want[i]) i++;
  if (i === got.length && i === want.length) return 'identical';
  const ctx = (b: Buffer): string => visible(b.subarray(Math.max(0, i - 24), i + 24));
  return `${got.length} octets (expected ${want.length}); first difference at octet ${i}: got …${ctx(got)}… expected …${ctx(want)}…`;
}

function checkBody(world: PopWorld, reply: Pop3Reply, want: Buffer, what: string): void {
  world.check(reply.line.ok && reply.body !== undefined, `${what}: the server did not send a multi-line body`, '+OK and the message', reply.line.text);
  const got = reply.body!.data;
  world.check(got.equals(want), `${what}: the body differs from the expected message`, `${want.length} octets`, firstDifference(got, want));
}

Then('the body equals fixture message {int}', async function (this: PopWorld, n: number) {
  const f = await fixture(this, n);
  checkBody(this, this.currentConnection().last.reply, f.canonical, `message ${n} (${f.file})`);
});

Then('the body of reply {int} equals fixture message {int}', async function (this: PopWorld, i: number, n: number) {
  const f = await fixture(this, n);
  const ex = this.currentConnection().batch[i - 1] ?? this.fail(`step error: there is no reply ${i} in the batch`, `reply ${i}`, 'none');
  checkBody(this, ex.reply, f.canonical, `reply ${i} (${ex.command}, ${f.file})`);
});

Then('the body is the header, the blank line and the first {int} body lines of fixture message {int}', async function (this: PopWorld, lines: number, n: number) {
  const f = await fixture(this, n);
  checkBody(this, this.currentConnection().last.reply, expectedTop(f.canonical, lines), `TOP ${n} ${lines} (${f.file})`);
});

/**
 * RFC 1939 §3: every line of the body that begins with "." goes out with one more "." in front.
 * The decoder reports a line that begins with a single "." (not the terminator) as a violation;
 * with none, and the decoded body equal to the message, the stuffing was right.
 */
Then('the body is byte-stuffed on the wire', function (this: PopWorld) {
  const reply = this.currentConnection().last.reply;
  this.check(reply.body !== undefined, 'no multi-line body was received', 'a multi-line body', reply.line.text);
  const { data, raw, violations } = reply.body!;
  this.check(violations.length === 0, 'a line beginning with "." was not byte-stuffed', 'every such line sent with ".." in front', violations.join('; '));
  const dotLines = data.toString('latin1').split('\r\n').filter((l) => l.startsWith('.')).length;
  const stuffed = raw!.toString('latin1').split('\r\n').filter((l) => l.startsWith('..')).length;
  this.check(dotLines > 0, 'step error: the message has no line that begins with "."', 'a message with dot lines', 'none');
  this.check(stuffed === dotLines, 'not every line beginning with "." was stuffed exactly once', `${dotLines} stuffed lines`, `${stuffed}`);
});

Then('the drop listing counts the fixture messages and their total size', async function (this: PopWorld) {
  const all = await loadFixtures();
  const total = all.reduce((a, f) => a + f.canonical.length, 0);
  const d = dropListing(this);
  this.check(d.count === all.length && d.octets === total, 'the drop listing does not count the fixture messages', `+OK ${all.length} ${total}`, `+OK ${d.count} ${d.octets}`);
});

Then('the scan listing gives each message the size of its fixture', async function (this: PopWorld) {
  const all = await loadFixtures();
  const got = scanListing(this).map((l) => `${l.number} ${l.value}`);
  const want = all.map((f) => `${f.number} ${f.canonical.length}`);
  this.check(got.join('|') === want.join('|'), 'the scan listing does not give the exact size of each message', want.join(', '), got.join(', '));
});

Then('the scan listing gives the size of fixture message {int}', async function (this: PopWorld, n: number) {
  const f = await fixture(this, n);
  const ex = lastExchange(this.currentConnection(), 'LIST', 1) ?? this.fail('step error: no "LIST n" was sent', 'LIST n', 'none');
  const l = parseSingleListing(ex.reply.line);
  this.check(l?.number === n && l.value === String(f.canonical.length), `the scan listing of message ${n} (${f.file}) does not give its exact size`, `+OK ${n} ${f.canonical.length}`, ex.reply.line.text);
});

Then('the messages of {conn}\'s maildrop are fixture messages {numbers} in that order', async function (this: PopWorld, name: string, numbers: number[]) {
  const conn = this.connection(name);
  const all = await loadFixtures();
  await this.send(conn, 'STAT');
  const d = dropListing(this, conn);
  this.check(d.count === numbers.length, 'the maildrop does not hold the messages expected', `${numbers.length} messages (fixtures ${numbers.join(', ')})`, `${d.count}`);
  for (const [i, n] of numbers.entries()) {
    const ex = await this.send(conn, `RETR ${i + 1}`);
    checkBody(this, ex.reply, all[n - 1]!.canonical, `message ${i + 1} should be fixture ${n} (${all[n - 1]!.file})`);
  }
});

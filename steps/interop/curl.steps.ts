/**
 * curl's POP3 support (libcurl pop3.c). What curl writes for a multi-line answer, found by running
 * it against the reference server: the body un-stuffed, from the first octet after the status
 * line up to and including the CRLF that precedes the ".CRLF" terminator, and nothing else. So for
 * RETR its output is the message in wire form: stored bytes with line ends made CRLF, plus one
 * CRLF only where the stored message does not end in a line break (fixture 04): the "one more
 * CRLF" the seed saw is the server's required line end, not something curl adds.
 */
import assert from 'node:assert/strict';
import { Then, When } from '@cucumber/cucumber';
import { expectExit, runClient } from './support/clients.js';
import { interop } from './support/context.js';
import { firstDifference, fixture, fixtureMessages, wireForm } from './support/messages.js';
import { askServer } from './support/pop3.js';

function curlArgs(port: number, user: string, pass: string, urlPath: string, extra: string[] = []): string[] {
  // -s: no progress meter; --max-time bounds a hung transfer. Plaintext USER/PASS-or-APOP on loopback.
  return ['-s', '--max-time', '30', ...extra, `pop3://127.0.0.1:${port}/${urlPath}`, '-u', `${user}:${pass}`];
}

When('interop curl retrieves every message of {word} by number', { timeout: 120_000 }, async function (this: object, user: string) {
  const w = interop(this);
  for (const m of fixtureMessages()) {
    const run = await runClient('curl', curlArgs(w.port, user, w.password(user), String(m.number)));
    expectExit(run, 0);
    w.runs.set(`curl ${m.number}`, run);
  }
});

Then('every interop curl output equals the stored message in wire form', function (this: object) {
  const w = interop(this);
  for (const m of fixtureMessages()) {
    const got = w.run(`curl ${m.number}`).stdout;
    const expected = wireForm(m.stored);
    assert.ok(got.equals(expected), `curl ${m.number} (${m.file}): ${firstDifference(got, expected)}`);
  }
});

Then('every interop curl output equals the body of the server\'s own RETR answer for {word}', async function (this: object, user: string) {
  const w = interop(this);
  const own = await askServer(w.port, user, w.password(user), fixtureMessages().map((m) => `RETR ${m.number}`));
  for (const m of fixtureMessages()) {
    const got = w.run(`curl ${m.number}`).stdout;
    const body = own[m.number - 1]!.body;
    assert.ok(got.equals(body), `curl ${m.number} vs RETR ${m.number}: ${firstDifference(got, body)}`);
  }
});

Then('the interop curl output of message {int} is its stored bytes plus exactly one CRLF', function (this: object, n: number) {
  const got = interop(this).run(`curl ${n}`).stdout;
  const stored = fixture(n).stored;
  assert.ok(got.equals(Buffer.concat([stored, Buffer.from('\r\n')])), firstDifference(got, stored));
});

Then('the interop curl output of message {int} is exactly its stored bytes', function (this: object, n: number) {
  const got = interop(this).run(`curl ${n}`).stdout;
  assert.ok(got.equals(fixture(n).stored), firstDifference(got, fixture(n).stored));
});

When('interop curl sends {string} for {word}', { timeout: 60_000 }, async function (this: object, command: string, user: string) {
  const w = interop(this);
  // -X replaces curl's own command; with no message number in the URL curl expects a multi-line answer.
  const run = await runClient('curl', curlArgs(w.port, user, w.password(user), '', ['-X', command]));
  expectExit(run, 0);
  w.runs.set(`curl -X ${command}`, run);
});

Then('the interop curl output for {string} equals the body of the server\'s own answer for {word}', async function (this: object, command: string, user: string) {
  const w = interop(this);
  const [own] = await askServer(w.port, user, w.password(user), [command]);
  assert.match(own!.status, /^\+OK/);
  assert.ok(own!.body.length > 0, `the server's ${command} body is empty`);
  const got = w.run(`curl -X ${command}`).stdout;
  assert.ok(got.equals(own!.body), `curl -X ${command}: ${firstDifference(got, own!.body)}`);
});

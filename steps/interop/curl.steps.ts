/**
 * curl's POP3 support (libcurl pop3.c). What curl writes for a multi-line answer, found by running
 * it against the reference server: the body un-stuffed, from the first octet after the status
 * line up to and including the CRLF that precedes the ".CRLF" terminator, and nothing else. So for
 * RETR its output is the message in wire form: stored bytes with line ends made CRLF, plus one
 * CRLF only where the stored message does not end in a line break (fixture 04): the "one more
 * CRLF" the seed saw is the server's required line end, not something curl adds.
 *
 * How curl 7.88 logs in: when CAPA announces SASL it uses SASL (the strongest mechanism it knows
 * of those announced: here PLAIN, since it has no SCRAM), else APOP when the greeting has a
 * timestamp, else USER/PASS. `--login-options AUTH=+APOP` makes it use APOP only.
 *
 * TLS: `pop3s://` is implicit TLS (RFC 8314), `pop3://` with `--ssl-reqd` is STLS (RFC 2595) or
 * fail. The certificate is verified against the scenario's self-signed certificate (`--cacert`,
 * never -k) for the host name "localhost", which `--resolve` points at 127.0.0.1.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { Then, When } from '@cucumber/cucumber';
import { expectExit, runClient, type ClientRun } from './support/clients.js';
import { interop, type InteropWorld } from './support/context.js';
import { firstDifference, fixture, fixtureMessages, wireForm } from './support/messages.js';
import { askServer } from './support/pop3.js';
import { transport, type Transport } from './support/transport.js';

/** curl's exit codes (curl(1), EXIT CODES). */
const PEER_FAILED_VERIFICATION = 60;
const LOGIN_DENIED = 67;

/** The name curl connects to and checks the certificate for over TLS. */
const TLS_HOST = 'localhost';

interface CurlOptions {
  over?: Transport;
  /** Extra options before the URL. */
  extra?: string[];
  /** Host name for TLS (default localhost), pointed at 127.0.0.1 with --resolve. */
  tlsHost?: string;
  /** Verify against the scenario's certificate (default true); false: against the system CAs only. */
  trustCertificate?: boolean;
}

function curlArgs(w: InteropWorld, user: string, urlPath: string, options: CurlOptions = {}): string[] {
  const over = options.over ?? 'plaintext';
  // -s: no progress meter; -v: the protocol dialogue on stderr (which login, STLS, certificate
  // checks); --max-time bounds a hung transfer.
  const args = ['-s', '-v', '--max-time', '30', ...(options.extra ?? [])];
  let url: string;
  if (over === 'plaintext') {
    url = `pop3://127.0.0.1:${w.port}/${urlPath}`;
  } else {
    const host = options.tlsHost ?? TLS_HOST;
    const port = over === 'implicit TLS' ? w.tls.port : w.port;
    // --resolve: the name resolves to 127.0.0.1 only (no ::1 attempt, no resolver), and curl still
    // checks the certificate for that name.
    args.push('--resolve', `${host}:${port}:127.0.0.1`);
    if (options.trustCertificate ?? true) args.push('--cacert', w.tls.certPath);
    if (over === 'STLS') args.push('--ssl-reqd');
    url = `${over === 'implicit TLS' ? 'pop3s' : 'pop3'}://${host}:${port}/${urlPath}`;
  }
  return [...args, url, '-u', `${user}:${w.password(user)}`];
}

async function retrieveAll(w: InteropWorld, user: string, options: CurlOptions): Promise<void> {
  for (const m of fixtureMessages()) {
    const run = await runClient('curl', curlArgs(w, user, String(m.number), options));
    expectExit(run, 0);
    w.runs.set(`curl ${m.number}`, run);
  }
}

When('interop curl retrieves every message of {word} by number', { timeout: 120_000 }, async function (this: object, user: string) {
  await retrieveAll(interop(this), user, {});
});

When('interop curl retrieves every message of {word} by number over {string}', { timeout: 120_000 }, async function (this: object, user: string, over: string) {
  await retrieveAll(interop(this), user, { over: transport(over) });
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
  const own = await askServer(w.port, w.login(user), fixtureMessages().map((m) => `RETR ${m.number}`));
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

/** curl -v's stderr: "> " lines are what curl sent, "< " lines what it read, "* " its own notes. */
function sent(run: ClientRun): string[] {
  return run.stderr
    .split(/\r?\n/)
    .filter((l) => l.startsWith('> '))
    .map((l) => l.slice(2));
}

Then('every interop curl run logged in with {string}', function (this: object, how: string) {
  const w = interop(this);
  for (const m of fixtureMessages()) {
    const commands = sent(w.run(`curl ${m.number}`));
    assert.ok(commands.some((c) => c.startsWith(how)), `curl ${m.number} never sent ${how}:\n${commands.join('\n')}`);
  }
});

Then('every interop curl run verified the certificate for localhost over {string}', function (this: object, over: string) {
  const w = interop(this);
  const t = transport(over);
  for (const m of fixtureMessages()) {
    const run = w.run(`curl ${m.number}`);
    // libcurl's OpenSSL backend reports the name match and the chain verification in -v output.
    assert.match(run.stderr, /subjectAltName: host "localhost" matched cert's "localhost"/, `curl ${m.number}`);
    assert.match(run.stderr, /SSL certificate verify ok\./, `curl ${m.number}`);
    const commands = sent(run);
    if (t === 'STLS') {
      // STLS first, then CAPA again (RFC 2595 §4: the client discards what it learnt before TLS), then the login.
      const stls = commands.indexOf('STLS');
      assert.ok(stls >= 0, `curl ${m.number} never sent STLS:\n${commands.join('\n')}`);
      const login = commands.findIndex((c) => /^(AUTH|USER|APOP) /.test(c));
      assert.ok(login > stls, `curl ${m.number} logged in before STLS:\n${commands.join('\n')}`);
    } else {
      assert.ok(!commands.includes('STLS'), `curl ${m.number} sent STLS over implicit TLS`);
    }
  }
});

When('interop curl sends {string} for {word}', { timeout: 60_000 }, async function (this: object, command: string, user: string) {
  const w = interop(this);
  // -X replaces curl's own command; with no message number in the URL curl expects a multi-line answer.
  const run = await runClient('curl', curlArgs(w, user, '', { extra: ['-X', command] }));
  expectExit(run, 0);
  w.runs.set(`curl -X ${command}`, run);
});

Then('the interop curl output for {string} equals the body of the server\'s own answer for {word}', async function (this: object, command: string, user: string) {
  const w = interop(this);
  const [own] = await askServer(w.port, w.login(user), [command]);
  assert.match(own!.status, /^\+OK/);
  assert.ok(own!.body.length > 0, `the server's ${command} body is empty`);
  const got = w.run(`curl -X ${command}`).stdout;
  assert.ok(got.equals(own!.body), `curl -X ${command}: ${firstDifference(got, own!.body)}`);
});

// APOP (RFC 1939 §7) for an APOP-only user.

When('interop curl retrieves message {int} of {word} with --login-options {string}', { timeout: 60_000 }, async function (this: object, n: number, user: string, options: string) {
  const w = interop(this);
  const run = await runClient('curl', curlArgs(w, user, String(n), { extra: ['--login-options', options] }));
  expectExit(run, 0);
  w.runs.set(`curl ${user} ${n}`, run);
});

Then('interop curl sent exactly one login command for {word}: APOP with the digest of the greeting\'s timestamp', function (this: object, user: string) {
  const w = interop(this);
  const run = [...w.runs.entries()].find(([label]) => label.startsWith(`curl ${user} `))?.[1];
  assert.ok(run, `no curl run for ${user}`);
  const commands = sent(run);
  const logins = commands.filter((c) => /^(AUTH|USER|PASS|APOP)\b/i.test(c));
  assert.equal(logins.length, 1, `curl's login commands:\n${logins.join('\n')}`);
  const greeting = /^< (\+OK .*)$/m.exec(run.stderr)?.[1] ?? '';
  const timestamp = /<[^<>\s]*>/.exec(greeting)?.[0];
  assert.ok(timestamp, `no timestamp in the greeting curl read: ${greeting}`);
  const expected = `APOP ${user} ${createHash('md5').update(timestamp + w.password(user)).digest('hex')}`;
  assert.equal(logins[0], expected);
});

Then('the interop curl output of message {int} of {word} is fixture message {int} in wire form', function (this: object, n: number, user: string, f: number) {
  const got = interop(this).run(`curl ${user} ${n}`).stdout;
  const expected = wireForm(fixture(f).stored);
  assert.ok(got.equals(expected), firstDifference(got, expected));
});

When('interop curl retrieves message {int} of {word} without login options', { timeout: 60_000 }, async function (this: object, n: number, user: string) {
  const w = interop(this);
  w.runs.set(`curl default ${user} ${n}`, await runClient('curl', curlArgs(w, user, String(n))));
});

Then('interop curl was refused after {string}, exit code 67 \\(login denied)', function (this: object, how: string) {
  const run = [...interop(this).runs.entries()].find(([label]) => label.startsWith('curl default '))?.[1];
  assert.ok(run, 'no curl run without login options');
  expectExit(run, LOGIN_DENIED);
  const commands = sent(run);
  assert.ok(commands.some((c) => c.startsWith(how)), `curl never sent ${how}:\n${commands.join('\n')}`);
  assert.ok(!commands.some((c) => c.startsWith('APOP')), 'curl fell back to APOP');
  assert.match(run.stderr, /^< -ERR \[AUTH\]/m);
});

// Certificate verification really happens: the same command fails when the certificate is not trusted or not for the name.

When('interop curl connects over {string} trusting only the system CAs', { timeout: 60_000 }, async function (this: object, over: string) {
  const w = interop(this);
  w.runs.set('curl refused', await runClient('curl', curlArgs(w, 'alice', '1', { over: transport(over), trustCertificate: false })));
});

When('interop curl connects over {string} to the certificate as {string}', { timeout: 60_000 }, async function (this: object, over: string, host: string) {
  const w = interop(this);
  w.runs.set('curl refused', await runClient('curl', curlArgs(w, 'alice', '1', { over: transport(over), tlsHost: host })));
});

Then('interop curl refused the certificate: exit code 60, nothing retrieved', function (this: object) {
  const run = interop(this).run('curl refused');
  expectExit(run, PEER_FAILED_VERIFICATION);
  assert.equal(run.stdout.length, 0, 'curl wrote output');
  assert.ok(!sent(run).some((c) => /^(AUTH|USER|PASS|APOP|RETR)\b/.test(c)), `curl sent a login or RETR:\n${sent(run).join('\n')}`);
});

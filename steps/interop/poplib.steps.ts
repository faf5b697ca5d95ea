/**
 * Python's standard poplib, driven by scripts/interop/poplib-session.py (Debian's python3):
 * plaintext, STLS (POP3.stls) or implicit TLS (POP3_SSL) with an SSLContext that trusts exactly the
 * scenario's certificate, USER/PASS or APOP (POP3.apop).
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { Then, When } from '@cucumber/cucumber';
import { REPO_ROOT } from '../../src/cli/testing/server-process.js';
import { expectExit, runClient } from './support/clients.js';
import { interop, type InteropWorld } from './support/context.js';
import { firstDifference, fixture, fixtureMessages, wireForm } from './support/messages.js';
import { askServer } from './support/pop3.js';
import { transport, type Transport } from './support/transport.js';

const SCRIPT = path.join(REPO_ROOT, 'scripts/interop/poplib-session.py');
// Debian's python3, the one install.sh provides: poplib is in its standard library.
const PYTHON = '/usr/bin/python3';

/** poplib-session.py's exit codes. */
const DONE = 0;
const LOGIN_REFUSED = 3;
const CERTIFICATE_REFUSED = 4;

interface PoplibSession {
  greeting: string;
  capa_before_tls?: string[];
  stls?: string;
  tls?: { version: string; cipher: string; subject_alt_names: string[] };
  tls_error?: { verify_code: number; verify_message: string };
  capa?: string[];
  login?: string[];
  login_error?: string;
  stat: [number, number];
  list: Array<[number, number]>;
  uidl: Array<[string, string]>;
  messages: Array<{ number: number; octets: number; body: string }>;
  dele?: string;
  quit?: string;
}

interface SessionOptions {
  over?: Transport;
  apop?: boolean;
  delete?: number;
  /** Trust the scenario's certificate (default); false: the system CAs only. */
  trustCertificate?: boolean;
}

async function runSession(w: InteropWorld, user: string, options: SessionOptions, ...exitCodes: number[]): Promise<void> {
  const over = options.over ?? 'plaintext';
  const args = [SCRIPT, '--host', '127.0.0.1', '--port', String(over === 'implicit TLS' ? w.tls.port : w.port), '--user', user, '--secret', w.password(user)];
  if (options.apop) args.push('--apop');
  if (over !== 'plaintext') {
    args.push('--tls', over === 'STLS' ? 'stls' : 'implicit');
    if (options.trustCertificate ?? true) args.push('--cafile', w.tls.certPath);
  }
  if (options.delete !== undefined) args.push('--delete', String(options.delete));
  const run = await runClient(PYTHON, args);
  expectExit(run, ...(exitCodes.length > 0 ? exitCodes : [DONE]));
  w.runs.set('poplib', run);
}

function session(w: InteropWorld): PoplibSession {
  return JSON.parse(w.run('poplib').stdout.toString('utf8')) as PoplibSession;
}

When('interop poplib runs a session as {word} that deletes message {int}', { timeout: 60_000 }, async function (this: object, user: string, n: number) {
  await runSession(interop(this), user, { delete: n });
});

When('interop poplib runs a session as {word} over {string} that deletes message {int}', { timeout: 60_000 }, async function (this: object, user: string, over: string, n: number) {
  await runSession(interop(this), user, { over: transport(over), delete: n });
});

When('interop poplib runs a session as {word} logging in with APOP', { timeout: 60_000 }, async function (this: object, user: string) {
  await runSession(interop(this), user, { apop: true });
});

When('interop poplib tries to log in as {word} with USER and PASS', { timeout: 60_000 }, async function (this: object, user: string) {
  await runSession(interop(this), user, {}, LOGIN_REFUSED);
});

When('interop poplib connects over {string} trusting only the system CAs', { timeout: 60_000 }, async function (this: object, over: string) {
  await runSession(interop(this), 'alice', { over: transport(over), trustCertificate: false }, CERTIFICATE_REFUSED);
});

Then('the interop poplib session saw STAT, LIST and UIDL matching the fixture messages of {word}', function (this: object, user: string) {
  const s = session(interop(this));
  const all = fixtureMessages();
  const sizes = all.map((m) => wireForm(m.stored).length);
  assert.deepEqual(s.stat, [all.length, sizes.reduce((a, b) => a + b, 0)], `STAT of ${user}`);
  assert.deepEqual(s.list, sizes.map((size, i) => [i + 1, size]));
  assert.deepEqual(s.uidl.map(([n]) => Number(n)), all.map((m) => m.number));
  assert.equal(new Set(s.uidl.map(([, uid]) => uid)).size, all.length, 'UIDs are unique');
});

Then('the interop poplib session retrieved every fixture message byte for byte', function (this: object) {
  const s = session(interop(this));
  for (const m of fixtureMessages()) {
    const got = s.messages.find((r) => r.number === m.number);
    assert.ok(got, `poplib did not retrieve message ${m.number}`);
    const body = Buffer.from(got.body, 'base64');
    const expected = wireForm(m.stored);
    assert.ok(body.equals(expected), `poplib RETR ${m.number} (${m.file}): ${firstDifference(body, expected)}`);
    // poplib counts the un-stuffed octets with their CRLFs: the size LIST announced.
    assert.equal(got.octets, expected.length, `poplib's octet count for message ${m.number}`);
  }
});

Then('the interop poplib session saw exactly one message, fixture message {int} byte for byte', function (this: object, f: number) {
  const s = session(interop(this));
  const expected = wireForm(fixture(f).stored);
  assert.deepEqual(s.stat, [1, expected.length]);
  assert.deepEqual(s.list, [[1, expected.length]]);
  assert.equal(s.messages.length, 1);
  const body = Buffer.from(s.messages[0]!.body, 'base64');
  assert.ok(body.equals(expected), `poplib RETR 1: ${firstDifference(body, expected)}`);
  assert.equal(s.messages[0]!.octets, expected.length);
  assert.match(s.quit ?? '', /^\+OK/);
});

Then('the interop poplib session logged in with {string}', function (this: object, command: string) {
  const s = session(interop(this));
  assert.ok(s.login, `poplib did not log in: ${s.login_error}`);
  for (const reply of s.login) assert.match(reply, /^\+OK/, `${command}: ${reply}`);
  assert.equal(s.login.length, command === 'APOP' ? 1 : 2);
});

Then('the interop poplib login was refused with {string}', function (this: object, prefix: string) {
  const s = session(interop(this));
  assert.ok(s.login_error, 'poplib logged in');
  assert.ok(s.login_error.startsWith(prefix), `poplib's error: ${s.login_error}`);
  assert.match(s.quit ?? '', /^\+OK/);
});

Then('the interop poplib session ended with +OK to DELE and QUIT', function (this: object) {
  const s = session(interop(this));
  assert.match(s.dele ?? '', /^\+OK/);
  assert.match(s.quit ?? '', /^\+OK/);
});

Then('the interop poplib session verified the certificate for 127.0.0.1 over {string}', function (this: object, over: string) {
  const s = session(interop(this));
  assert.ok(s.tls, 'poplib did not use TLS');
  // getpeercert() returns the certificate only when it was verified (CERT_REQUIRED).
  assert.ok(s.tls.subject_alt_names.includes('IP Address:127.0.0.1'), `certificate names: ${s.tls.subject_alt_names.join(', ')}`);
  assert.match(s.tls.version, /^TLSv1\.[23]$/);
  if (transport(over) === 'STLS') {
    assert.ok(s.capa_before_tls?.includes('STLS'), `CAPA before TLS: ${s.capa_before_tls?.join(' | ')}`);
    assert.match(s.stls ?? '', /^\+OK/);
  } else {
    assert.equal(s.capa_before_tls, undefined);
  }
  // RFC 2595 §4: STLS is for an unencrypted connection; once TLS is on it is no longer announced.
  assert.ok(!s.capa?.includes('STLS'), `CAPA over TLS: ${s.capa?.join(' | ')}`);
});

Then('the interop poplib session saw CAPA announce {string}', function (this: object, lines: string) {
  const s = session(interop(this));
  for (const wanted of lines.split(',').map((l) => l.trim())) {
    assert.ok(s.capa?.some((l) => l === wanted || (wanted.startsWith('SASL ') && l.startsWith('SASL ') && wanted.slice(5).split(' ').every((m) => l.split(' ').includes(m)))), `CAPA lacks ${wanted}: ${s.capa?.join(' | ')}`);
  }
});

Then('the interop poplib session did not use TLS', function (this: object) {
  const s = session(interop(this));
  assert.equal(s.tls, undefined);
  assert.equal(s.stls, undefined);
});

Then('interop poplib refused the certificate: {string}', function (this: object, message: string) {
  const s = session(interop(this));
  assert.ok(s.tls_error, 'poplib accepted the certificate');
  assert.equal(s.tls_error.verify_message, message);
  assert.equal(s.login, undefined);
});

Then('a new interop session as {word} sees {int} messages', async function (this: object, user: string, count: number) {
  const w = interop(this);
  const [stat] = await askServer(w.port, w.login(user), ['STAT']);
  assert.match(stat!.status, new RegExp(`^\\+OK ${count} `));
});

/**
 * mpop (Debian's mpop, GnuTLS): USER/PASS, delivery to a Maildir, mail kept on the server. mpop
 * remembers the UIDs it fetched in its --uidls-file, so a second run must fetch none.
 * Plaintext: --tls=off. TLS: --tls=on with --tls-starttls=on (STLS, RFC 2595) or off (implicit
 * TLS, RFC 8314), trusting exactly the scenario's certificate (--tls-trust-file) and checking it
 * for the host 127.0.0.1 (an IP address of the certificate).
 */
import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { Then, When } from '@cucumber/cucumber';
import { expectExit, runClient } from './support/clients.js';
import { interop, type InteropWorld } from './support/context.js';
import { messageFiles } from './support/mailstore.js';
import { transport, type Transport } from './support/transport.js';

/** mpop's exit code for a TLS failure: EX_UNAVAILABLE (sysexits.h), which mpop uses for network and TLS errors. */
const EX_UNAVAILABLE = 69;

function tlsArgs(w: InteropWorld, over: Transport, trustFile: boolean): string[] {
  if (over === 'plaintext') return ['--tls=off'];
  return [
    '--tls=on',
    `--tls-starttls=${over === 'STLS' ? 'on' : 'off'}`,
    ...(trustFile ? [`--tls-trust-file=${w.tls.certPath}`] : []),
    '--tls-certcheck=on',
  ];
}

function portFor(w: InteropWorld, over: Transport): number {
  return over === 'implicit TLS' ? w.tls.port : w.port;
}

async function fetch(w: InteropWorld, user: string, run: number, over: Transport): Promise<void> {
  const maildir = path.join(w.root, 'mpop-maildir');
  for (const sub of ['cur', 'new', 'tmp']) await mkdir(path.join(maildir, sub), { recursive: true });
  w.deliveries.set('mpop', maildir);
  const args = [
    '-C', '/dev/null', // no ~/.mpoprc: everything is on this command line
    '--host=127.0.0.1', `--port=${portFor(w, over)}`,
    ...tlsArgs(w, over, true),
    '--auth=user', `--user=${user}`,
    // mpop reads passwords only from a config file, a keyring or a command; echo is the simplest.
    `--passwordeval=echo ${w.password(user)}`,
    `--delivery=maildir,${maildir}`,
    '--keep=on', '--only-new=on', `--uidls-file=${path.join(w.root, 'mpop.uidls')}`,
    '--timeout=30',
  ];
  const result = await runClient('mpop', args, { env: { ...process.env, HOME: w.root } });
  expectExit(result, 0);
  w.runs.set(`mpop run ${run}`, result);
}

When('interop mpop fetches the mail of {word} into a Maildir, keeping it on the server, run {int}', { timeout: 120_000 }, async function (this: object, user: string, run: number) {
  await fetch(interop(this), user, run, 'plaintext');
});

When('interop mpop fetches the mail of {word} into a Maildir over {string}, keeping it on the server, run {int}', { timeout: 120_000 }, async function (this: object, user: string, over: string, run: number) {
  await fetch(interop(this), user, run, transport(over));
});

Then('interop mpop run {int} fetched no message', function (this: object, run: number) {
  const w = interop(this);
  const out = w.run(`mpop run ${run}`).stdout.toString('latin1');
  // mpop's summary line for a mailbox with nothing new: "... : 9 messages, 0 new" style wording
  // varies, so the Maildir is the evidence: still exactly one file per fixture.
  assert.equal(messageFiles(w.deliveries.get('mpop')!).length, 9, out);
});

When('interop mpop asks for the server info over {string}', { timeout: 60_000 }, async function (this: object, over: string) {
  const w = interop(this);
  const t = transport(over);
  const args = ['-C', '/dev/null', '--host=127.0.0.1', `--port=${portFor(w, t)}`, ...tlsArgs(w, t, true), '--timeout=30', '--serverinfo'];
  const result = await runClient('mpop', args, { env: { ...process.env, HOME: w.root } });
  expectExit(result, 0);
  w.runs.set(`mpop serverinfo ${over}`, result);
});

Then('interop mpop reported a TLS session with the certificate\'s SHA-256 fingerprint over {string}', function (this: object, over: string) {
  const w = interop(this);
  const out = w.run(`mpop serverinfo ${over}`).stdout.toString('latin1');
  assert.match(out, /TLS session parameters:\n\s+\(TLS1\.[23]\)/, out);
  assert.match(out, new RegExp(`SHA256: ${w.tls.fingerprint}`), out);
  assert.match(out, /CN=localhost,O=popcheck self-signed/, out);
});

// Certificate verification really happens: not trusted, or not for the host name mpop checks.

When('interop mpop connects over {string} trusting only the system CAs', { timeout: 60_000 }, async function (this: object, over: string) {
  const w = interop(this);
  const t = transport(over);
  const args = ['-C', '/dev/null', '--host=127.0.0.1', `--port=${portFor(w, t)}`, ...tlsArgs(w, t, false), '--timeout=30', '--serverinfo'];
  w.runs.set('mpop refused', await runClient('mpop', args, { env: { ...process.env, HOME: w.root } }));
});

When('interop mpop connects over {string} checking the certificate for {string}', { timeout: 60_000 }, async function (this: object, over: string, host: string) {
  const w = interop(this);
  const t = transport(over);
  const args = ['-C', '/dev/null', '--host=127.0.0.1', `--port=${portFor(w, t)}`, ...tlsArgs(w, t, true), `--tls-host-override=${host}`, '--timeout=30', '--serverinfo'];
  w.runs.set('mpop refused', await runClient('mpop', args, { env: { ...process.env, HOME: w.root } }));
});

Then('interop mpop refused the certificate: {string}', function (this: object, reason: string) {
  const run = interop(this).run('mpop refused');
  expectExit(run, EX_UNAVAILABLE);
  assert.match(run.stderr, /TLS certificate verification failed/);
  assert.ok(run.stderr.includes(reason), run.stderr);
  assert.doesNotMatch(run.stdout.toString('latin1'), /POP3 capabilities/, 'mpop went on talking POP3 after the failed check');
});

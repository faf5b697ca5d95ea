/**
 * fetchmail (Debian's 6.4): a run-control file (fetchmail takes no password on its command line),
 * USER/PASS, keep mode with UIDL tracking in an id file, and delivery through
 * scripts/interop/deliver-to-dir.sh as the MDA, which stores the bytes fetchmail hands over.
 *
 * TLS: `ssl` (implicit TLS) or, without it, STLS (a non-empty sslproto makes fetchmail insist on
 * STLS); `sslcertck` with `sslcertfile` trusting exactly the scenario's certificate. fetchmail
 * 6.4.37 compares the host name it connects to only with the certificate's DNS names and common
 * name, never with its IP addresses ("Server CommonName mismatch: localhost != 127.0.0.1"), so
 * `sslcommonname localhost` names the host to check while it connects to 127.0.0.1.
 */
import assert from 'node:assert/strict';
import { chmod, mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Then, When } from '@cucumber/cucumber';
import { REPO_ROOT } from '../../src/cli/testing/server-process.js';
import { expectExit, runClient } from './support/clients.js';
import { interop, type InteropWorld } from './support/context.js';
import { messageFiles } from './support/mailstore.js';
import { fixtureMessages } from './support/messages.js';
import { transport, type Transport } from './support/transport.js';

const MDA = path.join(REPO_ROOT, 'scripts/interop/deliver-to-dir.sh');

/** fetchmail's exit codes (fetchmail(1), EXIT CODES). */
const FETCHED = 0;
const NO_MAIL = 1;

When('interop fetchmail fetches the mail of {word} in keep mode, run {int}', { timeout: 120_000 }, async function (this: object, user: string, run: number) {
  await fetch(interop(this), user, run, 'plaintext');
});

When('interop fetchmail fetches the mail of {word} in keep mode over {string}, run {int}', { timeout: 120_000 }, async function (this: object, user: string, over: string, run: number) {
  await fetch(interop(this), user, run, transport(over));
});

function tlsLines(w: InteropWorld, over: Transport): string[] {
  // Plaintext: the plaintext scenarios' server has no certificate (no STLS); sslproto '' keeps
  // fetchmail from trying TLS.
  if (over === 'plaintext') return ["  sslproto ''"];
  return [
    ...(over === 'implicit TLS' ? ['  ssl'] : []),
    `  sslcertck sslcertfile "${w.tls.certPath}" sslcommonname localhost`,
    "  sslproto 'TLS1.2+'",
  ];
}

async function fetch(w: InteropWorld, user: string, run: number, over: Transport): Promise<void> {
  const home = path.join(w.root, 'fetchmail');
  const out = path.join(home, 'delivered');
  await mkdir(out, { recursive: true });
  w.deliveries.set('fetchmail', out);
  const rc = path.join(home, 'fetchmailrc');
  await writeFile(
    rc,
    [
      'set no syslog',
      'set no bouncemail',
      // uidl: track seen messages by UID (in --idfile), which is what makes run 2 fetch nothing.
      `poll 127.0.0.1 port ${over === 'implicit TLS' ? w.tls.port : w.port} protocol pop3 auth password uidl`,
      `  user "${user}" there with password "${w.password(user)}" is "localuser" here`,
      '  keep',
      ...tlsLines(w, over),
      `  mda "${MDA} ${out}"`,
      '',
    ].join('\n'),
  );
  await chmod(rc, 0o600); // fetchmail refuses a run-control file others can read
  const env = { ...process.env, HOME: home, FETCHMAILHOME: home };
  const args = ['-f', rc, '--idfile', path.join(home, 'ids'), '--pidfile', path.join(home, 'pid'), '--nosyslog', '--verbose'];
  const result = await runClient('fetchmail', args, { env });
  expectExit(result, run === 1 ? FETCHED : NO_MAIL);
  w.runs.set(`fetchmail run ${run}`, result);
}

Then('interop fetchmail run {int} verified the certificate over {string}', function (this: object, run: number, over: string) {
  const r = interop(this).run(`fetchmail run ${run}`);
  const log = r.stderr + r.stdout.toString('latin1');
  assert.match(log, /SSL\/TLS: using protocol TLSv1\.[23]/, log);
  assert.doesNotMatch(log, /verification error|mismatch/i, log);
  if (transport(over) === 'STLS') assert.match(log, /upgrade to TLS succeeded/, log);
  else assert.doesNotMatch(log, /POP3> STLS/, log);
});

Then('interop fetchmail run {int} fetched no message', function (this: object, run: number) {
  const w = interop(this);
  assert.equal(messageFiles(w.deliveries.get('fetchmail')!).length, fixtureMessages().length);
  // fetchmail's own account: all messages already seen, none new.
  const log = w.run(`fetchmail run ${run}`).stderr + w.run(`fetchmail run ${run}`).stdout.toString('latin1');
  assert.match(log, new RegExp(`${fixtureMessages().length} messages \\(${fixtureMessages().length} seen\\)`));
});

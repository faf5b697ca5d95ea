/**
 * getmail6 (Debian's getmail6, command `getmail`): SimplePOP3Retriever (plaintext USER/PASS),
 * a Maildir destination, delete mode. getmail refuses to deliver as root, so when the tests run
 * as root (CI) the destination names an unprivileged user, who gets the Maildir.
 *
 * TLS: SimplePOP3SSLRetriever (implicit TLS; getmail6 has no STLS for POP3) with `ca_certs`, which
 * makes it require a certificate that chains to exactly the scenario's certificate and match it
 * against `server` (127.0.0.1, one of the certificate's IP addresses). getmail exits 0 even when
 * the TLS handshake fails (it reports the error and retrieves nothing), so its report is checked.
 */
import { readFileSync } from 'node:fs';
import { chown, mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { When } from '@cucumber/cucumber';
import { expectExit, runClient } from './support/clients.js';
import { interop, type InteropWorld } from './support/context.js';
import { transport, type Transport } from './support/transport.js';

const UNPRIVILEGED = 'nobody';

When('interop getmail6 fetches the mail of {word} into a Maildir and deletes it from the server', { timeout: 120_000 }, async function (this: object, user: string) {
  await fetch(interop(this), user, 'plaintext');
});

When('interop getmail6 fetches the mail of {word} into a Maildir over {string} and deletes it from the server', { timeout: 120_000 }, async function (this: object, user: string, over: string) {
  await fetch(interop(this), user, transport(over));
});

async function fetch(w: InteropWorld, user: string, over: Transport): Promise<void> {
  if (over === 'STLS') throw new Error('getmail6 has no STLS for POP3: use "implicit TLS"');
  const home = path.join(w.root, 'getmail');
  const maildir = path.join(home, 'Maildir');
  for (const sub of ['cur', 'new', 'tmp']) await mkdir(path.join(maildir, sub), { recursive: true });
  w.deliveries.set('getmail6', maildir);
  const asRoot = process.getuid?.() === 0;
  if (asRoot) {
    const { uid, gid } = userIds(UNPRIVILEGED);
    for (const d of [maildir, ...['cur', 'new', 'tmp'].map((s) => path.join(maildir, s))]) await chown(d, uid, gid);
  }
  const rc = [
    '[retriever]',
    over === 'implicit TLS' ? 'type = SimplePOP3SSLRetriever' : 'type = SimplePOP3Retriever',
    'server = 127.0.0.1',
    `port = ${over === 'implicit TLS' ? w.tls.port : w.port}`,
    ...(over === 'implicit TLS' ? [`ca_certs = ${w.tls.certPath}`] : []),
    `username = ${user}`,
    `password = ${w.password(user)}`,
    '',
    '[destination]',
    'type = Maildir',
    `path = ${maildir}/`,
    ...(asRoot ? [`user = ${UNPRIVILEGED}`] : []),
    '',
    '[options]',
    'delete = true',
    'read_all = true',
    'verbose = 2',
    '',
  ].join('\n');
  await writeFile(path.join(home, 'getmailrc'), rc, { mode: 0o600 });
  const result = await runClient('getmail', ['--getmaildir', home, '--rcfile', 'getmailrc'], { env: { ...process.env, HOME: home } });
  expectExit(result, 0);
  // getmail exits 0 even when a delivery failed (it then keeps the message on the server), so its
  // report is checked too.
  if (/error/i.test(result.stdout.toString('latin1') + result.stderr)) {
    throw new Error(`getmail reported an error:\n${result.stdout.toString('latin1')}\n${result.stderr}`);
  }
  w.runs.set('getmail6', result);
}

/** uid and gid of a system user, from /etc/passwd (no npm dependency for getpwnam). */
function userIds(name: string): { uid: number; gid: number } {
  const line = readFileSync('/etc/passwd', 'utf8')
    .split('\n')
    .find((l) => l.startsWith(`${name}:`));
  const fields = line?.split(':');
  if (!fields || fields.length < 4) throw new Error(`no user ${name} in /etc/passwd (needed to run getmail6 as root)`);
  return { uid: Number(fields[2]), gid: Number(fields[3]) };
}

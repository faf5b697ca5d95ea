/**
 * mpop (Debian's mpop): plaintext USER/PASS on loopback, delivery to a Maildir, mail kept on the
 * server. mpop remembers the UIDs it fetched in its --uidls-file, so a second run must fetch none.
 */
import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { Then, When } from '@cucumber/cucumber';
import { expectExit, runClient } from './support/clients.js';
import { interop } from './support/context.js';
import { messageFiles } from './support/mailstore.js';

When('interop mpop fetches the mail of {word} into a Maildir, keeping it on the server, run {int}', { timeout: 120_000 }, async function (this: object, user: string, run: number) {
  const w = interop(this);
  const maildir = path.join(w.root, 'mpop-maildir');
  for (const sub of ['cur', 'new', 'tmp']) await mkdir(path.join(maildir, sub), { recursive: true });
  w.deliveries.set('mpop', maildir);
  const args = [
    '-C', '/dev/null', // no ~/.mpoprc: everything is on this command line
    '--host=127.0.0.1', `--port=${w.port}`,
    '--tls=off', '--auth=user', `--user=${user}`,
    // mpop reads passwords only from a config file, a keyring or a command; echo is the simplest.
    `--passwordeval=echo ${w.password(user)}`,
    `--delivery=maildir,${maildir}`,
    '--keep=on', '--only-new=on', `--uidls-file=${path.join(w.root, 'mpop.uidls')}`,
    '--timeout=30',
  ];
  const result = await runClient('mpop', args, { env: { ...process.env, HOME: w.root } });
  expectExit(result, 0);
  w.runs.set(`mpop run ${run}`, result);
});

Then('interop mpop run {int} fetched no message', function (this: object, run: number) {
  const w = interop(this);
  const out = w.run(`mpop run ${run}`).stdout.toString('latin1');
  // mpop's summary line for a mailbox with nothing new: "... : 9 messages, 0 new" style wording
  // varies, so the Maildir is the evidence: still exactly one file per fixture.
  assert.equal(messageFiles(w.deliveries.get('mpop')!).length, 9, out);
});

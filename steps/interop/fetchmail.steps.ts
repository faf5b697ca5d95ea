/**
 * fetchmail (Debian's 6.4): a run-control file (fetchmail takes no password on its command line),
 * plaintext USER/PASS, keep mode with UIDL tracking in an id file, and delivery through
 * scripts/interop/deliver-to-dir.sh as the MDA, which stores the bytes fetchmail hands over.
 */
import assert from 'node:assert/strict';
import { chmod, mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Then, When } from '@cucumber/cucumber';
import { REPO_ROOT } from '../../src/cli/testing/server-process.js';
import { expectExit, runClient } from './support/clients.js';
import { interop } from './support/context.js';
import { messageFiles } from './support/mailstore.js';
import { fixtureMessages } from './support/messages.js';

const MDA = path.join(REPO_ROOT, 'scripts/interop/deliver-to-dir.sh');

/** fetchmail's exit codes (fetchmail(1), EXIT CODES). */
const FETCHED = 0;
const NO_MAIL = 1;

When('interop fetchmail fetches the mail of {word} in keep mode, run {int}', { timeout: 120_000 }, async function (this: object, user: string, run: number) {
  const w = interop(this);
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
      `poll 127.0.0.1 port ${w.port} protocol pop3 auth password uidl`,
      `  user "${user}" there with password "${w.password(user)}" is "localuser" here`,
      '  keep',
      // No TLS on loopback: the reference server has no STLS yet.
      "  sslproto ''",
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
});

Then('interop fetchmail run {int} fetched no message', function (this: object, run: number) {
  const w = interop(this);
  assert.equal(messageFiles(w.deliveries.get('fetchmail')!).length, fixtureMessages().length);
  // fetchmail's own account: all messages already seen, none new.
  const log = w.run(`fetchmail run ${run}`).stderr + w.run(`fetchmail run ${run}`).stdout.toString('latin1');
  assert.match(log, new RegExp(`${fixtureMessages().length} messages \\(${fixtureMessages().length} seen\\)`));
});

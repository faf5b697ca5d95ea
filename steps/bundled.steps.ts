/**
 * @bundled scenarios that run the reference server with other settings: the inactivity timer of
 * RFC 1939 §3 shortened to seconds, a LOGIN-DELAY (RFC 2449 §6.5), a store that fails (RFC 3206
 * §4), TLS with cleartext passwords refused without it (RFC 2595 §2.3, RFC 5034 §4), users with
 * shared secrets only (CRAM-MD5, RFC 2195), maildrops holding given messages (the fuzzers'
 * regression scenarios). The connections of the scenario then go to that private instance.
 */
import { Given, Then, type DataTable } from '@cucumber/cucumber';
import { decodeOctets } from './support/octets.js';
import { startPrivateServer, type PrivateServerOptions } from './support/private-server.js';
import { secretAccount } from './support/placeholders.js';
import type { Account } from '../src/harness/contract.js';
import type { PopWorld } from './world.js';

async function usePrivateServer(world: PopWorld, options: PrivateServerOptions, description: string, accounts?: readonly Account[]): Promise<'skipped' | undefined> {
  if (!world.parameters.bundled) return world.verdict('SKIP', 'needs the bundled reference server');
  const p = world.parameters;
  const server = await startPrivateServer(accounts ?? [p.account, ...(p.account2 ? [p.account2] : [])], options);
  world.privateTarget = { host: server.host, port: server.port, tls: 'none', description: `a private bundled server ${description}`, close: server.close };
  return undefined;
}

Given('the bundled server runs with an inactivity timer of {int} seconds', async function (this: PopWorld, seconds: number) {
  return usePrivateServer(this, { limits: { idleTimeoutMs: seconds * 1000 } }, `with a ${seconds} s inactivity timer`);
});

Given('the bundled server runs with a login delay of {int} seconds', async function (this: PopWorld, seconds: number) {
  return usePrivateServer(this, { limits: { loginDelaySeconds: seconds } }, `with a ${seconds} s login delay`);
});

Given('the bundled server runs on a store that fails temporarily', async function (this: PopWorld) {
  return usePrivateServer(this, { store: 'fails-temporarily' }, 'whose store fails temporarily');
});

Given('the bundled server runs on a store that fails permanently', async function (this: PopWorld) {
  return usePrivateServer(this, { store: 'fails-permanently' }, 'whose store fails permanently');
});

/**
 * RFC 2595 §2.3 and RFC 5034 §4 ask for a configuration that refuses cleartext passwords without
 * TLS. The bundled server refuses them from any address but loopback; `loopbackIsTrusted: false`
 * makes it treat the suite's loopback client as such a remote one.
 */
Given('the bundled server offers STLS and refuses cleartext passwords without TLS', async function (this: PopWorld) {
  return usePrivateServer(this, { tls: true, plaintextOnlyOverTls: true }, 'with STLS, refusing cleartext passwords without TLS');
});

/** The server offers CRAM-MD5 only when every user has a shared secret (RFC 2195 §2, §4). */
Given('the server under test is a bundled server whose users all have shared secrets', async function (this: PopWorld) {
  return usePrivateServer(this, { sharedSecrets: true }, 'whose users all have shared secrets', [secretAccount(this.parameters)]);
});

/**
 * A maildrop holding exactly the given messages, in order, stored as given: the fuzzers' regression
 * scenarios (features/regressions/) replay a session on the generated maildrop it failed on. One
 * column, "octets", escaped as in "sends the octets" (\r, \n, \xNN). The private server also has
 * the run's APOP account; a maildrop no step gives is empty. Given before any connection; a second
 * such step (the APOP account's maildrop) restarts the private server with both.
 */
Given(/^the maildrop of (\$\{[a-z0-9-]+\}|the APOP account) holds these messages:$/, async function (this: PopWorld, who: string, table: DataTable) {
  const p = this.parameters;
  if (!p.bundled) return this.verdict('SKIP', 'needs the bundled reference server: only a private instance of it can hold the exact messages the scenario gives');
  if (this.connections.size > 0) throw new Error('step error: the maildrops must be given before any connection is opened');
  const apop = p.apopAccount;
  if (who === 'the APOP account' && !apop) throw new Error('step error: the run has no APOP account (the bundled run has dave)');
  const user = who === 'the APOP account' ? apop!.user : this.expand(who);
  const [header, ...rows] = table.raw();
  if (header?.length !== 1 || header[0] !== 'octets') throw new Error(`step error: the table has one column, "octets", not ${JSON.stringify(header)}`);
  this.givenMaildrops.set(user, rows.map((row) => decodeOctets(row[0] ?? '')));
  await this.privateTarget?.close();
  this.privateTarget = undefined;
  return usePrivateServer(this, { maildrops: this.givenMaildrops, apopAccounts: apop ? [apop] : [] }, 'whose maildrops hold the given messages');
});

Given('the server under test is the target', function (this: PopWorld) {
  // The run's target: nothing to start.
});

/** RFC 1939 §3: on autologout the server closes "without ... sending any response to the client". */
Then('the server sent nothing after its last reply', function (this: PopWorld) {
  const conn = this.currentConnection();
  const extra = conn.client.unread;
  this.check(extra.length === 0, 'the server sent something when the inactivity timer expired', 'no octets, only the close', JSON.stringify(extra.toString('latin1').slice(0, 200)));
});

/**
 * RFC 1939 §3: "The receipt of any command from the client during that interval should suffice to
 * reset the autologout timer." Each round watches the connection for `seconds` (staysOpenFor returns
 * as soon as it closes) and then sends the command; the rounds add up to more than the timer.
 */
Then('the connection stays open while the client sends {string} every second, {int} times', async function (this: PopWorld, command: string, times: number) {
  const conn = this.connection('A');
  for (let i = 1; i <= times; i++) {
    const open = await conn.client.staysOpenFor(1000);
    this.check(open, `the server closed the connection ${i} s after the last command, although a command came every second`, 'the timer reset by every command', `closed before ${command} number ${i}`);
    const ex = await this.send(conn, command);
    this.check(ex.reply.line.ok, `${command} was refused`, '+OK', ex.reply.line.text);
  }
});

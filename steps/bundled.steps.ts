/**
 * @bundled scenarios that run the reference server with other settings: the inactivity timer of
 * RFC 1939 §3 shortened to seconds, a LOGIN-DELAY (RFC 2449 §6.5), and a store that fails
 * (RFC 3206 §4). The connections of the scenario then go to that private instance.
 */
import { Given, Then } from '@cucumber/cucumber';
import { startPrivateServer, type PrivateStore } from './support/private-server.js';
import type { ServerLimits } from '../src/server/index.js';
import type { PopWorld } from './world.js';

async function usePrivateServer(world: PopWorld, limits: Partial<ServerLimits>, kind: PrivateStore, description: string): Promise<'skipped' | undefined> {
  if (!world.parameters.bundled) return world.verdict('SKIP', 'needs the bundled reference server');
  const p = world.parameters;
  const accounts = [p.account, ...(p.account2 ? [p.account2] : [])];
  const server = await startPrivateServer(accounts, limits, kind);
  world.privateTarget = { host: server.host, port: server.port, tls: 'none', description: `a private bundled server ${description}`, close: server.close };
  return undefined;
}

Given('the bundled server runs with an inactivity timer of {int} seconds', async function (this: PopWorld, seconds: number) {
  return usePrivateServer(this, { idleTimeoutMs: seconds * 1000 }, 'fixtures', `with a ${seconds} s inactivity timer`);
});

Given('the bundled server runs with a login delay of {int} seconds', async function (this: PopWorld, seconds: number) {
  return usePrivateServer(this, { loginDelaySeconds: seconds }, 'fixtures', `with a ${seconds} s login delay`);
});

Given('the bundled server runs on a store that fails temporarily', async function (this: PopWorld) {
  return usePrivateServer(this, {}, 'fails-temporarily', 'whose store fails temporarily');
});

Given('the bundled server runs on a store that fails permanently', async function (this: PopWorld) {
  return usePrivateServer(this, {}, 'fails-permanently', 'whose store fails permanently');
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

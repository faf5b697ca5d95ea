/**
 * Connections: connecting (and being greeted, RFC 1939 §3-4), logging in, closing without QUIT
 * (RFC 1939 §6), the server closing, both address families, and many clients at once.
 */
import { Given, Then, When } from '@cucumber/cucumber';
import { isLoopbackHost } from './support/addresses.js';
import { logIn } from './support/session.js';
import { Pop3Client } from '../src/client/index.js';
import { describeName, isConnectError, type Connection, type PopWorld } from './world.js';

async function connect(this: PopWorld, name: string): Promise<void> {
  await this.openConnection(name);
}

Given('{conn} is connected', connect);
When('{conn} connects', connect);

async function loggedIn(this: PopWorld, name: string): Promise<void> {
  await logIn(this, name);
}

Given('{conn} is logged in', loggedIn);
When('{conn} logs in', loggedIn);

When('{conn} logs in with {string} and {string}', async function (this: PopWorld, name: string, user: string, pass: string) {
  await logIn(this, name, [this.expand(user), this.expand(pass)]);
});

When('{conn} closes the connection without QUIT', async function (this: PopWorld, name: string) {
  const conn = this.connection(name);
  conn.client.destroy();
  conn.state = 'CLOSED';
});

/**
 * The client ends its side only (a TCP FIN) and keeps reading: the server answers what it already
 * received, then closes too (the host fuzzer's close-mid-command case).
 */
When('{conn} half-closes the connection', function (this: PopWorld, name: string) {
  const conn = this.connection(name);
  conn.client.end();
  this.current = conn.name;
});

/** The connection the scenario used last: "the server closes the connection". */
function lastUsed(world: PopWorld): Connection {
  return world.currentConnection();
}

async function serverCloses(world: PopWorld, conn: Connection, timeoutMs: number): Promise<void> {
  try {
    await conn.client.waitForClose(timeoutMs);
  } catch {
    world.fail(`the server did not close the connection of ${describeName(conn.name)} within ${timeoutMs} ms`, 'the connection closed by the server', 'the connection still open');
  }
  conn.state = 'CLOSED';
}

Then('the server closes the connection', async function (this: PopWorld) {
  await serverCloses(this, lastUsed(this), this.timeoutMs);
});

Then('the server closes the connection within {int} seconds', async function (this: PopWorld, seconds: number) {
  await serverCloses(this, lastUsed(this), seconds * 1000);
});

/**
 * RFC 1939 §4: "After returning a negative status indicator, the server may close the connection."
 * Scenarios that go on after a failed login need the connection; if it is gone they do not apply.
 */
async function keptOpen(world: PopWorld, name: string): Promise<'skipped' | undefined> {
  const conn = world.connection(name);
  if (conn.client.isClosed) {
    conn.state = 'CLOSED';
    return world.verdict('SKIP', 'the server closed the connection after the failed command, as RFC 1939 §4 allows; the rest of the scenario needs it open');
  }
  return undefined;
}

Given('the server kept the connection open', async function (this: PopWorld) {
  return keptOpen(this, lastUsed(this).name);
});

Given('the server kept the connection to {conn} open', async function (this: PopWorld, name: string) {
  return keptOpen(this, name);
});

// --- address families (the seed's check) ------------------------------------------------------

/**
 * The bundled server listens on both loopback addresses. Another target is checked only when it
 * is on loopback (so ::1 is the same machine) and something answers on ::1 at its port: listening
 * on IPv6 is no RFC requirement, and a server configured for 127.0.0.1 alone is not at fault.
 */
Given('the target is the bundled server or answers on ::1', async function (this: PopWorld) {
  const p = this.parameters;
  if (p.bundled) return undefined;
  if (!isLoopbackHost(p.host)) {
    return this.verdict('SKIP', `the target ${p.host} is not a loopback name, so its IPv4 and IPv6 addresses are not known to be the same server`);
  }
  try {
    const probe = await Pop3Client.connect({ host: '::1', port: p.port, timeoutMs: this.timeoutMs, tls: p.tls === 'implicit' ? this.tlsOptions('::1') : undefined });
    probe.destroy();
  } catch (err) {
    if (!isConnectError(err)) throw err;
    return this.verdict('SKIP', `the target does not answer on [::1]:${p.port} (${err.message}); listening on IPv6 is no RFC requirement`);
  }
  return undefined;
});

When('{conn} connects over {family}', async function (this: PopWorld, name: string, family: string) {
  await this.openConnection(name, { host: family === 'IPv6' ? '::1' : '127.0.0.1' });
});

Then('{conn} and {conn} are both greeted with +OK', function (this: PopWorld, a: string, b: string) {
  for (const name of [a, b]) {
    const c = this.connection(name);
    this.check(c.greeting.ok, `${describeName(name)} over ${c.host} was not greeted with +OK`, '+OK …', c.greeting.text);
  }
});

// --- many clients at once -------------------------------------------------------------------

When('{int} clients connect at once', async function (this: PopWorld, n: number) {
  const names = Array.from({ length: n }, (_, i) => `crowd-${i + 1}`);
  const settled = await Promise.allSettled(names.map((name) => this.openConnection(name)));
  const failed = settled.filter((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (failed.length > 0) {
    this.fail(`${failed.length} of ${n} connections got no greeting`, `${n} greetings`, String((failed[0]!.reason as Error).message));
  }
  this.crowd = names.map((name) => this.connection(name));
});

Then('every one of them is greeted with +OK', function (this: PopWorld) {
  const bad = this.crowd.filter((c) => !c.greeting.ok);
  this.check(bad.length === 0, `${bad.length} of ${this.crowd.length} clients were not greeted with +OK`, '+OK for every client', bad.map((c) => c.greeting.text).slice(0, 3).join(' | '));
});

When('each of them sends {string}', async function (this: PopWorld, command: string) {
  const line = this.expand(command);
  await Promise.all(this.crowd.map((c) => this.send(c, line)));
});

Then('each of them gets a reply', function (this: PopWorld) {
  const bad = this.crowd.filter((c) => c.last.reply.line.status === undefined || c.last.reply.line.violations.length > 0);
  this.check(bad.length === 0, `${bad.length} of ${this.crowd.length} clients got a malformed reply`, 'a status line for every client', bad.map((c) => c.last.reply.line.text).slice(0, 3).join(' | '));
});

Then('each of them gets a {status} reply', function (this: PopWorld, status: string) {
  const bad = this.crowd.filter((c) => c.last.reply.line.ok !== (status === '+OK'));
  this.check(bad.length === 0, `${bad.length} of ${this.crowd.length} clients did not get ${status}`, `${status} for every client`, bad.map((c) => c.last.reply.line.text).slice(0, 3).join(' | '));
});

Then('the server closes each of their connections', async function (this: PopWorld) {
  const open: string[] = [];
  await Promise.all(
    this.crowd.map(async (c) => {
      try {
        await c.client.waitForClose(this.timeoutMs);
        c.state = 'CLOSED';
      } catch {
        open.push(c.name);
      }
    }),
  );
  this.check(open.length === 0, `the server left ${open.length} connections open after QUIT`, 'every connection closed', open.slice(0, 5).join(', '));
});

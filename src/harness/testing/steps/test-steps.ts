/** Minimal steps for the harness's test features (src/harness/testing/features*). */
import { appendFileSync } from 'node:fs';
import { Given, Then, When } from '@cucumber/cucumber';
import type { ResponseLine } from '../../../client/index.js';
import { VERDICT_MEDIA_TYPE, type VerdictAttachment } from '../../contract.js';
import { TEST_MESSAGES } from '../messages.js';
import type { TestWorld } from './test-world.js';

/** Plain messages, not node:assert diffs, so golden reports do not depend on Node's diff format. */
function check(condition: unknown, message: string): asserts condition {
  if (!condition) throw new Error(message);
}

function assertOk(line: ResponseLine, what: string): void {
  const rules = line.violations.map((v) => `${v.rule} (${v.detail})`);
  check(rules.length === 0, `${what}: ${JSON.stringify(line.text)} breaks ${rules.join(', ')}`);
  check(line.ok, `${what}: expected +OK, got ${JSON.stringify(line.text)}`);
}

function verdict(world: TestWorld, v: VerdictAttachment): void {
  world.attach(JSON.stringify(v), VERDICT_MEDIA_TYPE);
}

async function capabilities(world: TestWorld): Promise<string[]> {
  const client = world.client ?? (await world.open());
  const { line, body } = await client.multi('CAPA');
  return line.ok && body ? body.data.toString('latin1').split('\r\n').filter(Boolean).map((c) => c.split(' ')[0]!.toUpperCase()) : [];
}

async function logIn(world: TestWorld): Promise<void> {
  const client = world.client ?? (await world.open());
  const { user, pass } = world.parameters.account;
  assertOk(await client.command('USER', user), 'USER');
  assertOk(await client.command('PASS', pass), 'PASS');
}

Given('a connection to the server', async function (this: TestWorld) {
  await this.open();
});

Given('a logged-in session', async function (this: TestWorld) {
  await logIn(this);
});

Given('the server advertises {word}', async function (this: TestWorld, capability: string) {
  if (!(await capabilities(this)).includes(capability)) {
    verdict(this, { verdict: 'NOT-ADVERTISED', reason: `CAPA does not list ${capability}` });
    return 'skipped';
  }
  return undefined;
});

Given('the harness reports an error', function (this: TestWorld) {
  verdict(this, { verdict: 'ERROR', reason: 'the test step says so' });
});

Then('the greeting is a well-formed +OK line', function (this: TestWorld) {
  check(this.greeting, 'no greeting was read');
  assertOk(this.greeting, 'greeting');
});

Then('I can log in with well-formed +OK lines', async function (this: TestWorld) {
  await logIn(this);
});

When('I retrieve message {int}', async function (this: TestWorld, n: number) {
  const { line, body } = await this.client!.multi('RETR', n);
  assertOk(line, 'RETR');
  this.body = body?.data;
});

Then('the body is test message {int}', function (this: TestWorld, n: number) {
  const body = this.body?.toString('latin1');
  check(body === TEST_MESSAGES[n - 1], `RETR must byte-stuff lines that start with "." (RFC 1939 §3): got ${JSON.stringify(body)}`);
});

Then('LIST {int} gives the size of test message {int}', async function (this: TestWorld, n: number, m: number) {
  const line = await this.client!.command('LIST', n);
  assertOk(line, 'LIST');
  const expected = `+OK ${n} ${Buffer.byteLength(TEST_MESSAGES[m - 1]!, 'latin1')}`;
  check(line.text === expected, `LIST ${n}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(line.text)}`);
});

Then('{string} answers +OK', async function (this: TestWorld, command: string) {
  const [verb = '', ...args] = command.split(' ');
  const line = verb === 'TOP' ? (await this.client!.multi(verb, ...args)).line : await this.client!.command(verb, ...args);
  assertOk(line, command);
});

Then('UIDL works, advertised or not', async function (this: TestWorld) {
  const advertised = (await capabilities(this)).includes('UIDL');
  const { line } = await this.client!.multi('UIDL');
  assertOk(line, 'UIDL');
  if (!advertised) verdict(this, { verdict: 'UNADVERTISED-WORKS', reason: 'UIDL answers +OK but CAPA does not list it' });
});

Given('a session over TLS as the run asks', async function (this: TestWorld) {
  await this.openSecure();
});

Then('the session is encrypted', function (this: TestWorld) {
  check(this.secure, `the session is not encrypted (the run's --tls is ${this.parameters.tls}; this feature needs stls or implicit)`);
});

/**
 * For the manager-passes test: appends what this scenario saw (its run's parameters, when it ran)
 * to the file named by POPCHECK_HARNESS_PASS_LOG, one JSON line per scenario; --parallel workers
 * inherit the variable. Waits a little, so overlapping scenarios overlap visibly.
 */
Given('the run records {string}', async function (this: TestWorld, name: string) {
  const file = process.env.POPCHECK_HARNESS_PASS_LOG;
  const start = Date.now();
  await new Promise((resolve) => setTimeout(resolve, 40));
  if (!file) return;
  const p = this.parameters;
  const entry = { name, start, end: Date.now(), pid: process.pid, port: p.port, tls: p.tls, managerExclusive: p.managerExclusive, managerAllowStop: p.managerAllowStop };
  appendFileSync(file, `${JSON.stringify(entry)}\n`);
});

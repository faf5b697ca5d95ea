/** The counters behind HIST, CONC, TRANS and STATS, moved by real POP3 sessions (spec §5.5-§5.8). */
import { Given, Then, When } from '@cucumber/cucumber';
import { openSession } from '../../src/manager/testing/pop3-probe.js';
import { command, NET } from './support/session.js';
import { check, describeReply, managerState, parametersOf, skip } from './support/state.js';

async function counter(world: object, verb: string): Promise<number> {
  const r = await command(world, managerState(world), verb);
  check(r.ok && /^\d+$/.test(r.text), `${verb} is not "+OK <number>"`, '+OK <number>', describeReply(r));
  return Number(r.text);
}

async function statsValue(world: object, key: string): Promise<number> {
  const r = await command(world, managerState(world), 'STATS');
  const line = (r.lines ?? []).find((l) => l.startsWith(`${key}=`));
  check(line !== undefined, `STATS has no ${key}`, `${key}=<n>`, describeReply(r));
  return Number(line!.slice(key.length + 1));
}

Given('the manager counter {word} is noted', NET, async function (this: object, verb: string) {
  managerState(this).notes.set(verb, await counter(this, verb));
});

Given('the manager statistic {word} is noted', NET, async function (this: object, key: string) {
  managerState(this).notes.set(key, await statsValue(this, key));
});

Then('the manager counter {word} has grown by at least {int}', NET, async function (this: object, verb: string, n: number) {
  const before = managerState(this).notes.get(verb)!;
  const now = await counter(this, verb);
  check(now >= before + n, `${verb} did not grow`, `at least ${before + n}`, String(now));
});

Then('the manager statistic {word} has grown by at least {int}', NET, async function (this: object, key: string, n: number) {
  const before = managerState(this).notes.get(key)!;
  const now = await statsValue(this, key);
  check(now >= before + n, `${key} did not grow`, `at least ${before + n}`, String(now));
});

Then('the manager counter {word} is at least {int}', NET, async function (this: object, verb: string, n: number) {
  const now = await counter(this, verb);
  check(now >= n, `${verb} is too small`, `at least ${n}`, String(now));
});

function pop3(world: object): { host: string; port: number } | 'skipped' {
  const p = parametersOf(world);
  return p.host && p.port ? { host: p.host, port: p.port } : skip(world, 'no POP3 host/port in the parameters');
}

When('a POP3 client connects and quits', NET, async function (this: object) {
  const t = pop3(this);
  if (t === 'skipped') return t;
  const { client } = await openSession(t.host, t.port);
  await client.request('QUIT');
  await client.waitForClose().catch(() => undefined);
  client.destroy();
  return undefined;
});

Given('a POP3 client holds a session open', NET, async function (this: object) {
  const t = pop3(this);
  if (t === 'skipped') return t;
  const { client, greetingOk } = await openSession(t.host, t.port);
  check(greetingOk, 'the POP3 server did not greet', '+OK', '-ERR');
  managerState(this).cleanups.push(async () => client.destroy());
  return undefined;
});

When('a POP3 client fails to log in', NET, async function (this: object) {
  const t = pop3(this);
  if (t === 'skipped') return t;
  const { client } = await openSession(t.host, t.port);
  await client.request('USER nobody-such-user');
  await client.request('PASS definitely-wrong');
  await client.request('QUIT');
  client.destroy();
  return undefined;
});

Then('a POP3 client is still greeted with +OK', NET, async function (this: object) {
  const t = pop3(this);
  if (t === 'skipped') return t;
  const { client, greetingOk } = await openSession(t.host, t.port);
  client.destroy();
  check(greetingOk, 'the POP3 server no longer greets', '+OK greeting', '-ERR or nothing');
  return undefined;
});

/** Users through the manager and their effect on POP3 logins; listings page by page (spec §3.5, §5.2-§5.4). */
import { Given, Then, When } from '@cucumber/cucumber';
import { MAX_REPLY_OCTETS } from '../../src/manager/limits.js';
import { tryLogIn } from '../../src/manager/testing/pop3-probe.js';
import { command, NET } from './support/session.js';
import { check, describeReply, managerState, parametersOf, skip, type ManagerState } from './support/state.js';

function pop3(world: object): { host: string; port: number } | undefined {
  const p = parametersOf(world);
  return p.host && p.port ? { host: p.host, port: p.port } : undefined;
}

Given('the manager has added {int} fresh users with long names', NET, async function (this: object, count: number) {
  const state = managerState(this);
  const base = state.freshUser('bulk');
  for (let i = 0; i < count; i++) {
    // 64 characters, the longest name allowed, so that pages fill up quickly.
    const name = `${base}-${String(i).padStart(3, '0')}-`.padEnd(64, 'x');
    const r = await command(this, state, `ADD ${name}:pw-${i}`);
    check(r.ok, `ADD ${name} failed`, '+OK', describeReply(r));
    state.addedUsers.add(name);
  }
});

async function walk(world: object, state: ManagerState, cursor: boolean): Promise<void> {
  const pageOctets: number[] = [];
  const names: string[] = [];
  const totals: number[] = [];
  let cmd = 'USERS';
  for (let pages = 0; pages < 10_000; pages++) {
    const r = await command(world, state, cmd);
    check(r.ok, `${cmd} failed`, '+OK', describeReply(r));
    pageOctets.push(r.datagram.length);
    names.push(...(r.lines ?? []));
    const m = /^count=(\d+) total=(\d+)(?: next=(\d+))?$/.exec(r.text);
    check(m !== null, 'a USERS page status is not "count=C total=T [next=N]"', 'count=C total=T [next=N]', r.text);
    check(Number(m![1]) === (r.lines ?? []).length, 'count differs from the lines of the page', m![1]!, String(r.lines?.length));
    totals.push(Number(m![2]));
    if (m![3] === undefined) break;
    cmd = cursor ? `USERS AFTER ${names[names.length - 1]}` : `USERS ${m![3]}`;
  }
  state.walk = { pageOctets, names, totals, cursor };
}

/** Offset walks are only exact while nobody adds or removes users (spec §3.5); other scenarios may. */
const STABLE_WALK_TRIES = 5;

When('the admin lists every user through the manager, following next', NET, async function (this: object) {
  const state = managerState(this);
  for (let i = 0; i < STABLE_WALK_TRIES; i++) {
    await walk(this, state, false);
    if (new Set(state.walk!.totals).size === 1) return;
  }
});

When('the admin lists every user through the manager, with the AFTER cursor', NET, async function (this: object) {
  await walk(this, managerState(this), true);
});

Then('every manager page fits in one datagram of 1200 octets', function (this: object) {
  const w = managerState(this).walk!;
  const over = w.pageOctets.filter((n) => n > MAX_REPLY_OCTETS);
  check(over.length === 0, 'pages larger than a datagram', `at most ${MAX_REPLY_OCTETS} octets`, over.join(', '));
});

Then('the listing took more than one page', function (this: object) {
  const w = managerState(this).walk!;
  check(w.pageOctets.length > 1, 'the listing fitted one page; the scenario needs more users', 'several pages', String(w.pageOctets.length));
});

Then('the manager pages list every user exactly once, in order', function (this: object) {
  const state = managerState(this);
  const w = state.walk!;
  const stable = new Set(w.totals).size === 1;
  // The AFTER cursor is exact under changes too; offsets only without them.
  if (!stable && !w.cursor) return skip(this, `the user list kept changing during ${STABLE_WALK_TRIES} walks (other clients adding or removing users); offsets are only exact without changes`);
  const ascending = w.names.every((n, i) => i === 0 || w.names[i - 1]! < n);
  check(ascending, 'a user was listed twice, or the pages are not in ascending order', 'strictly ascending names', w.names.join(', ').slice(0, 300));
  // Ours must all be there; with a stable total, the count must match too.
  const missing = [...state.addedUsers].filter((u) => !w.names.includes(u));
  check(missing.length === 0, 'users missing from the listing', 'every added user', missing.join(', '));
  if (stable) check(w.totals[0] === w.names.length, 'total differs from the number of names listed', String(w.totals[0]), String(w.names.length));
  return undefined;
});

Then('no line of any manager reply contains {string}', function (this: object, secret: string) {
  const state = managerState(this);
  const leaked = state.exchanges.filter((e) => e.reply?.datagram.toString('utf8').includes(secret));
  check(leaked.length === 0, 'a reply contains the secret', 'no reply containing it', describeReply(leaked[0]?.reply));
});

Then('the manager listing contains {string}', function (this: object, name: string) {
  const state = managerState(this);
  const expected = state.expand(name);
  check(state.walk!.names.includes(expected), 'user missing from the listing', expected, `${state.walk!.names.length} names`);
});

Then('the manager listing does not contain {string}', function (this: object, name: string) {
  const state = managerState(this);
  const unexpected = state.expand(name);
  check(!state.walk!.names.includes(unexpected), 'user present in the listing', `no ${unexpected}`, 'listed');
});

Then('{string} can log in over POP3 with password {string}', NET, async function (this: object, user: string, pass: string) {
  const target = pop3(this);
  if (!target) return skip(this, 'no POP3 host/port in the parameters');
  const name = managerState(this).expand(user);
  const r = await tryLogIn(target.host, target.port, name, pass);
  check(r.ok, 'the user cannot log in over POP3', `+OK to PASS for ${name}`, r.line);
  return undefined;
});

Then('{string} cannot log in over POP3 with password {string}', NET, async function (this: object, user: string, pass: string) {
  const target = pop3(this);
  if (!target) return skip(this, 'no POP3 host/port in the parameters');
  const name = managerState(this).expand(user);
  const r = await tryLogIn(target.host, target.port, name, pass);
  check(!r.ok, 'the user can still log in over POP3', `-ERR to PASS for ${name}`, r.line);
  return undefined;
});

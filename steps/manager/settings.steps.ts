/** GET and SET on the server under test; every change is undone after the scenario (spec §5.9, §5.10, §6). */
import { Given, Then, When } from '@cucumber/cucumber';
import { Pop3Client } from '../../src/client/pop3-client.js';
import { command, NET } from './support/session.js';
import { check, describeReply, managerState, parametersOf, skip } from './support/state.js';

async function getSetting(world: object, name: string): Promise<string> {
  const r = await command(world, managerState(world), `GET ${name}`);
  check(r.ok && r.text.startsWith(`${name}=`), `GET ${name} failed`, `+OK ${name}=<value>`, describeReply(r));
  return r.text.slice(name.length + 1);
}

Given('the manager setting {word} is noted', NET, async function (this: object, name: string) {
  const state = managerState(this);
  const value = await getSetting(this, name);
  if (!state.savedSettings.has(name)) state.savedSettings.set(name, value);
  if (/^\d+$/.test(value)) state.notes.set(`setting:${name}`, Number(value));
});

Given('the server has the manager setting {word}', NET, async function (this: object, name: string) {
  const r = await command(this, managerState(this), 'CAPA');
  const line = (r.lines ?? []).find((l) => l.startsWith('SETTINGS '));
  if (!line?.split(' ').includes(name)) return skip(this, `this server has no ${name} setting (CAPA SETTINGS)`);
  return undefined;
});

Given('the manager setting {word} is at least {int}', NET, async function (this: object, name: string, n: number) {
  const value = Number(await getSetting(this, name));
  if (!(value >= n)) return skip(this, `${name} is ${value} here, below ${n}: the scenario does not apply`);
  return undefined;
});

When('the admin sets the manager setting {word} to its noted value plus {int}', NET, async function (this: object, name: string, n: number) {
  const state = managerState(this);
  const noted = state.notes.get(`setting:${name}`);
  if (noted === undefined) throw new Error(`step error: note the setting ${name} first`);
  await command(this, state, `SET ${name} ${noted + n}`);
});

Then('the manager setting {word} is its noted value plus {int}', NET, async function (this: object, name: string, n: number) {
  const noted = managerState(this).notes.get(`setting:${name}`)!;
  const value = await getSetting(this, name);
  check(value === String(noted + n), `${name} has not changed`, String(noted + n), value);
});

Then('the manager setting {word} still has its noted value', NET, async function (this: object, name: string) {
  const state = managerState(this);
  const value = await getSetting(this, name);
  check(value === state.savedSettings.get(name), `${name} changed after a refused SET`, state.savedSettings.get(name) ?? '', value);
});

Then('a second POP3 client is refused with {string}', NET, async function (this: object, code: string) {
  const p = parametersOf(this);
  if (!p.host || !p.port) return skip(this, 'no POP3 host/port in the parameters');
  const client = await Pop3Client.connect({ host: p.host, port: p.port, timeoutMs: 5000 });
  try {
    const greeting = await client.readLine();
    check(!greeting.ok && greeting.text.includes(`[${code}]`), 'the connection over max-sessions was not refused', `-ERR [${code}]`, greeting.text);
  } finally {
    client.destroy();
  }
  return undefined;
});

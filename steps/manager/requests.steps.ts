/** Sending requests to the manager: signed, forged, stale, replayed, raw (spec §3, §4). */
import { randomBytes } from 'node:crypto';
import { Given, When } from '@cucumber/cucumber';
import { signRequest } from '../../src/manager/client.js';
import { formatRequest } from '../../src/manager/codec.js';
import { command, exchange, mainClient, NET, openClient, rawThenMarker, sign } from './support/session.js';
import { managerState, parametersOf, skip } from './support/state.js';

Given('the manager is reachable', NET, async function (this: object) {
  const p = parametersOf(this);
  if (!p.managerHost || !p.managerPort || !p.managerToken) {
    return skip(this, 'no manager to test: the runner passes managerHost, managerPort and managerToken to enable the manager scenarios');
  }
  await openClient(this, managerState(this));
  return undefined;
});

When('the admin sends the manager command {string}', NET, async function (this: object, text: string) {
  const state = managerState(this);
  const reply = await command(this, state, text);
  // Remember users this scenario created, so the After hook removes them.
  const add = /^ADD ([^:]+):/i.exec(state.expand(text));
  if (add && reply.ok) state.addedUsers.add(add[1]!);
});

When('the admin sends the manager command {string} signed with a wrong token', NET, async function (this: object, text: string) {
  const state = managerState(this);
  const forged = signRequest(`wrong-${randomBytes(16).toString('hex')}`, state.expand(text), Date.now());
  await exchange(state, forged, mainClient(state), true);
});

When('the admin sends the manager command {string} with its command changed to {string} after signing', NET, async function (this: object, text: string, changed: string) {
  const state = managerState(this);
  const signed = sign(this, state.expand(text));
  const [id, ts, mac] = signed.datagram.toString().split(' ');
  await exchange(state, { ...signed, datagram: formatRequest(id!, ts!, mac!, state.expand(changed)) });
});

When('the admin sends the manager command {string} timestamped {int} seconds ago', NET, async function (this: object, text: string, seconds: number) {
  const state = managerState(this);
  await exchange(state, sign(this, state.expand(text), Date.now() - seconds * 1000));
});

When('the admin sends the manager command {string} timestamped {int} seconds ahead', NET, async function (this: object, text: string, seconds: number) {
  const state = managerState(this);
  await exchange(state, sign(this, state.expand(text), Date.now() + seconds * 1000));
});

When('the admin sends the same manager datagram again', NET, async function (this: object) {
  const state = managerState(this);
  const last = state.last;
  if (!last.request) throw new Error('step error: the last datagram was not a signed request');
  await exchange(state, last.request);
});

When('the admin sends the same manager datagram again from another socket', NET, async function (this: object) {
  const state = managerState(this);
  const last = state.last;
  if (!last.request) throw new Error('step error: the last datagram was not a signed request');
  const other = await openClient(this, state, parametersOf(this).managerToken);
  await exchange(state, last.request, other);
});

When('the admin sends the manager command {string} reusing the last request id', NET, async function (this: object, text: string) {
  const state = managerState(this);
  const id = state.last.request?.id;
  if (!id) throw new Error('step error: the last datagram was not a signed request');
  await exchange(state, sign(this, state.expand(text), Date.now(), id));
});

When('the admin sends the manager command {string} padded to {int} octets', NET, async function (this: object, text: string, octets: number) {
  // Padding goes into the command itself, so the MAC is valid and only the size is wrong.
  const state = managerState(this);
  const base = sign(this, state.expand(text));
  const pad = Math.max(0, octets - base.datagram.length - 1);
  const padded = sign(this, `${state.expand(text)} ${'x'.repeat(pad)}`);
  await rawThenMarker(this, state, padded.datagram);
});

When('the admin sends a manager datagram of {int} random octets', NET, async function (this: object, octets: number) {
  await rawThenMarker(this, managerState(this), randomBytes(octets));
});

When('the admin sends the manager datagram {string}', NET, async function (this: object, text: string) {
  await rawThenMarker(this, managerState(this), Buffer.from(text, 'utf8'));
});

/**
 * Sends datagrams without waiting, then a signed CAPA on the same socket: its reply comes after
 * every datagram before it was handled. Notes how many of them were answered, and how long it took.
 */
async function burst(world: object, datagrams: readonly Buffer[]): Promise<void> {
  const state = managerState(world);
  const client = mainClient(state);
  const before = client.received.length;
  const started = Date.now();
  for (const d of datagrams) client.sendOnly(d);
  await exchange(state, sign(world, 'CAPA'));
  state.notes.set('bad-elapsed-ms', Date.now() - started);
  state.notes.set('bad-answered', client.received.length - before - 1);
}

When('the admin sends {int} bad manager datagrams of assorted sizes', NET, async function (this: object, count: number) {
  // Mostly too short to be answered (spec §4.7: no reply longer than the datagram), so the flood
  // does not use up the refusal rate other scenarios rely on; one in 30 is over 512 octets.
  const datagrams = Array.from({ length: count }, (_, i) => (i % 30 === 0 ? randomBytes(513 + ((i * 97) % 60_000)) : randomBytes(1 + (i % 44))));
  await burst(this, datagrams);
});

When('the admin sends {int} malformed manager datagrams in a burst', NET, async function (this: object, count: number) {
  await burst(this, Array.from({ length: count }, (_, i) => Buffer.from(`not a manager request, but long enough to be answered: ${i}`)));
});

/** Python's standard poplib, driven by scripts/interop/poplib-session.py (Debian's python3). */
import assert from 'node:assert/strict';
import path from 'node:path';
import { Then, When } from '@cucumber/cucumber';
import { REPO_ROOT } from '../../src/cli/testing/server-process.js';
import { expectExit, runClient } from './support/clients.js';
import { interop } from './support/context.js';
import { firstDifference, fixtureMessages, wireForm } from './support/messages.js';
import { askServer } from './support/pop3.js';

const SCRIPT = path.join(REPO_ROOT, 'scripts/interop/poplib-session.py');

interface PoplibSession {
  stat: [number, number];
  list: Array<[number, number]>;
  uidl: Array<[string, string]>;
  messages: Array<{ number: number; octets: number; body: string }>;
  dele: string;
  quit: string;
}

function session(w: ReturnType<typeof interop>): PoplibSession {
  return JSON.parse(w.run('poplib').stdout.toString('utf8')) as PoplibSession;
}

When('interop poplib runs a session as {word} that deletes message {int}', { timeout: 60_000 }, async function (this: object, user: string, n: number) {
  const w = interop(this);
  // Debian's python3, the one install.sh provides: poplib is in its standard library.
  const run = await runClient('/usr/bin/python3', [SCRIPT, '127.0.0.1', String(w.port), user, w.password(user), String(n)]);
  expectExit(run, 0);
  w.runs.set('poplib', run);
});

Then('the interop poplib session saw STAT, LIST and UIDL matching the fixture messages of {word}', function (this: object, user: string) {
  const s = session(interop(this));
  const all = fixtureMessages();
  const sizes = all.map((m) => wireForm(m.stored).length);
  assert.deepEqual(s.stat, [all.length, sizes.reduce((a, b) => a + b, 0)], `STAT of ${user}`);
  assert.deepEqual(s.list, sizes.map((size, i) => [i + 1, size]));
  assert.deepEqual(s.uidl.map(([n]) => Number(n)), all.map((m) => m.number));
  assert.equal(new Set(s.uidl.map(([, uid]) => uid)).size, all.length, 'UIDs are unique');
});

Then('the interop poplib session retrieved every fixture message byte for byte', function (this: object) {
  const s = session(interop(this));
  for (const m of fixtureMessages()) {
    const got = s.messages.find((r) => r.number === m.number);
    assert.ok(got, `poplib did not retrieve message ${m.number}`);
    const body = Buffer.from(got.body, 'base64');
    const expected = wireForm(m.stored);
    assert.ok(body.equals(expected), `poplib RETR ${m.number} (${m.file}): ${firstDifference(body, expected)}`);
    // poplib counts the un-stuffed octets with their CRLFs: the size LIST announced.
    assert.equal(got.octets, expected.length, `poplib's octet count for message ${m.number}`);
  }
});

Then('the interop poplib session ended with +OK to DELE and QUIT', function (this: object) {
  const s = session(interop(this));
  assert.match(s.dele, /^\+OK/);
  assert.match(s.quit, /^\+OK/);
});

Then('a new interop session as {word} sees {int} messages', async function (this: object, user: string, count: number) {
  const w = interop(this);
  const [stat] = await askServer(w.port, user, w.password(user), ['STAT']);
  assert.match(stat!.status, new RegExp(`^\\+OK ${count} `));
});

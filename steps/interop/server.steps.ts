/** The reference server under test, and facts about its maildrops on disk. */
import assert from 'node:assert/strict';
import { cp } from 'node:fs/promises';
import path from 'node:path';
import { Given, Then } from '@cucumber/cucumber';
import { REPO_ROOT, startServerProcess } from '../../src/cli/testing/server-process.js';
import { INTEROP_USERS, interop } from './support/context.js';
import { messagesById } from './support/mailstore.js';
import { fixture, fixtureMessages } from './support/messages.js';
import { askServer } from './support/pop3.js';

Given('the interop reference server runs over a fresh copy of the demo maildrops', { timeout: 30_000 }, async function (this: object) {
  const w = interop(this);
  w.mailRoot = path.join(w.root, 'maildrops');
  await cp(path.join(REPO_ROOT, 'fixtures/demo/maildrops'), w.mailRoot, { recursive: true, preserveTimestamps: true });
  const users = INTEROP_USERS.flatMap(([u, p]) => ['-u', `${u}:${p}`]);
  // -p 0: a free port; the server prints it and startServerProcess waits for that line.
  w.server = await startServerProcess(['server', ...users, '-d', w.mailRoot, '-p', '0']);
});

function maildrop(w: ReturnType<typeof interop>, user: string): string {
  return path.join(w.mailRoot, user);
}

Then('the interop maildrop of {word} still holds every fixture message', async function (this: object, user: string) {
  const w = interop(this);
  const held = messagesById(maildrop(w, user));
  assert.deepEqual([...held.keys()].sort(), fixtureMessages().map((m) => m.messageId).sort());
  const [stat] = await askServer(w.port, user, w.password(user), ['STAT']);
  assert.match(stat!.status, new RegExp(`^\\+OK ${fixtureMessages().length} `));
});

Then('the interop maildrop of {word} has lost exactly fixture message {int}', function (this: object, user: string, n: number) {
  const w = interop(this);
  const held = [...messagesById(maildrop(w, user)).keys()].sort();
  const expected = fixtureMessages()
    .filter((m) => m.number !== n)
    .map((m) => m.messageId)
    .sort();
  assert.ok(!held.includes(fixture(n).messageId), `${fixture(n).file} is still in the maildrop`);
  assert.deepEqual(held, expected);
});

Then('the interop maildrop of {word} is empty', async function (this: object, user: string) {
  const w = interop(this);
  assert.deepEqual([...messagesById(maildrop(w, user)).keys()], []);
  const [stat] = await askServer(w.port, user, w.password(user), ['STAT']);
  assert.match(stat!.status, /^\+OK 0 0(\s|$)/);
});

/** The reference server under test, and facts about its maildrops on disk. */
import assert from 'node:assert/strict';
import { cp } from 'node:fs/promises';
import path from 'node:path';
import { Given, Then } from '@cucumber/cucumber';
import { REPO_ROOT, startServerProcess } from '../../src/cli/testing/server-process.js';
import { ensureSelfSignedCertificate } from '../../src/tls/index.js';
import { INTEROP_APOP_USERS, INTEROP_USERS, interop, type InteropWorld } from './support/context.js';
import { messagesById } from './support/mailstore.js';
import { fixture, fixtureMessages } from './support/messages.js';
import { askServer } from './support/pop3.js';

const LOOPBACK = '127.0.0.1';

/**
 * Every interop server listens on 127.0.0.1 only (`--listen 127.0.0.1:0`: a free port on loopback,
 * never the wildcard address), with the demo's users: alice, bob and carol with USER/PASS (`-u`),
 * dave APOP-only (`--apop-user`). No management plane: its UDP port would default to 9090 and
 * clash between runs, and no scenario here needs it.
 */
async function startInteropServer(w: InteropWorld, extra: string[] = []): Promise<void> {
  w.mailRoot = path.join(w.root, 'maildrops');
  await cp(path.join(REPO_ROOT, 'fixtures/demo/maildrops'), w.mailRoot, { recursive: true, preserveTimestamps: true });
  const users = INTEROP_USERS.flatMap(([u, p]) => ['-u', `${u}:${p}`]);
  const apopUsers = INTEROP_APOP_USERS.flatMap(([u, s]) => ['--apop-user', `${u}:${s}`]);
  // startServerProcess waits for the first "listening on" line: the plain listener, which the
  // server binds (and prints) first.
  w.server = await startServerProcess(['server', ...users, ...apopUsers, '-d', w.mailRoot, '--listen', `${LOOPBACK}:0`, ...extra, '--no-manager']);
  const bound = await listeningLines(w, extra.includes('--tls-listen') ? 2 : 1);
  for (const line of bound) assert.ok(line.address === LOOPBACK, `the interop server must listen on ${LOOPBACK} only, not ${line.address}:${line.port}`);
}

interface ListeningLine {
  address: string;
  port: number;
  kind: string;
}

/** The banner's "listening on ADDRESS:PORT (KIND)" lines, once `count` of them are printed. */
async function listeningLines(w: InteropWorld, count: number): Promise<ListeningLine[]> {
  const deadline = Date.now() + 5_000;
  for (;;) {
    const lines = [...w.server!.stdout().matchAll(/listening on (\S+):(\d+)(?: \(([^)]*)\))?/g)].map((m) => ({ address: m[1]!, port: Number(m[2]), kind: m[3] ?? '' }));
    if (lines.length >= count) return lines;
    if (Date.now() > deadline) throw new Error(`the interop server printed ${lines.length} listening lines, expected ${count}:\n${w.server!.stdout()}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

Given('the interop reference server runs over a fresh copy of the demo maildrops', { timeout: 30_000 }, async function (this: object) {
  await startInteropServer(interop(this));
});

/**
 * A self-signed certificate made for this scenario in its temp folder (ensureSelfSignedCertificate:
 * EC P-256, names localhost, 127.0.0.1 and ::1), STLS on the plain port and implicit TLS
 * (RFC 8314) on a second loopback port. The clients trust exactly this certificate.
 */
Given('the interop reference server runs with a self-signed certificate over a fresh copy of the demo maildrops', { timeout: 30_000 }, async function (this: object) {
  const w = interop(this);
  const cert = await ensureSelfSignedCertificate(path.join(w.root, 'tls'));
  await startInteropServer(w, ['--tls-cert', cert.certPath, '--tls-key', cert.keyPath, '--tls-listen', `${LOOPBACK}:0`]);
  const lines = await listeningLines(w, 2);
  const plain = lines.find((l) => l.kind === 'STLS');
  const implicit = lines.find((l) => l.kind === 'implicit TLS');
  assert.ok(plain && implicit, `expected an STLS and an implicit-TLS listener:\n${w.server!.stdout()}`);
  assert.equal(plain.port, w.port);
  assert.match(w.server!.stdout(), new RegExp(`TLS certificate SHA-256 fingerprint: ${cert.fingerprint}`), 'the server uses the scenario\'s certificate');
  w.tlsInfo = { certPath: cert.certPath, keyPath: cert.keyPath, fingerprint: cert.fingerprint, port: implicit.port };
});

function maildrop(w: ReturnType<typeof interop>, user: string): string {
  return path.join(w.mailRoot, user);
}

Then('the interop maildrop of {word} still holds every fixture message', async function (this: object, user: string) {
  const w = interop(this);
  const held = messagesById(maildrop(w, user));
  assert.deepEqual([...held.keys()].sort(), fixtureMessages().map((m) => m.messageId).sort());
  const [stat] = await askServer(w.port, w.login(user), ['STAT']);
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
  const [stat] = await askServer(w.port, w.login(user), ['STAT']);
  assert.match(stat!.status, /^\+OK 0 0(\s|$)/);
});

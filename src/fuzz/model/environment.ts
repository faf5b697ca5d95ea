/**
 * One model run's world: a fresh store holding the generated maildrop, the reference server on
 * 127.0.0.1 (port 0) over it, and the model and real session that fc.asyncModelRun starts from.
 */
import { once } from 'node:events';
import { mkdtemp, rename, rm, utimes, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { StaticUsers } from '../../auth/static-users.js';
import { createServer, type Pop3Server } from '../../server/server.js';
import type { ServerLimits } from '../../server/config.js';
import { MemoryStore } from '../../store/memory-store.js';
import { createMaildrop, MaildirStore } from '../../store/maildir-store.js';
import type { MailStore } from '../../store/types.js';
import type { MaildropSpec } from './maildrop.js';
import { Pop3Model, type Accounts } from './model.js';
import { RealSession, type ModelTarget } from './session.js';

export type StoreKind = 'memory' | 'maildir';

export interface EnvironmentOptions {
  readonly store: StoreKind;
  /** Wraps the store the server sees (the broken-build tests use it to break a store on purpose). */
  readonly wrapStore?: (store: MailStore) => MailStore;
  readonly limits?: Partial<Pick<ServerLimits, 'maxBadCommands' | 'maxCommandOctets'>>;
  /** Per response; a hang fails the run instead of stalling it. Default 5000 ms. */
  readonly timeoutMs?: number;
}

/** A USER/PASS account and an APOP account (RFC 1939 §13: never both for one user), and bob, never used. */
export const ACCOUNTS: Accounts = { password: { user: 'alice', pass: 'wonderland' }, apop: { user: 'dave', secret: 'tanstaaf' } };
const USERS: ReadonlyArray<[string, string]> = [
  [ACCOUNTS.password.user, ACCOUNTS.password.pass],
  ['bob', 'builder'],
];
const APOP_USERS: ReadonlyArray<[string, string]> = [[ACCOUNTS.apop.user, ACCOUNTS.apop.secret]];
const ALL_USERS = [...USERS, ...APOP_USERS].map(([u]) => u);

export interface Environment {
  readonly server: Pop3Server;
  /** The model and the real session for fc.asyncModelRun, once the maildrop has been read once. */
  setup(): Promise<{ model: Pop3Model; real: RealSession }>;
  close(): Promise<void>;
}

export async function startEnvironment(spec: MaildropSpec, options: EnvironmentOptions): Promise<Environment> {
  const { store, cleanup } = await makeStore(spec, options.store);
  const server = createServer({
    store: options.wrapStore ? options.wrapStore(store) : store,
    users: new StaticUsers(USERS, { apopUsers: APOP_USERS }),
    hostname: 'model.invalid',
    // Wrong passwords are frequent here; the model has no clock, so no failed-login delays.
    authPenalty: false,
    ...(options.limits ? { limits: options.limits } : {}),
  });
  try {
    const { port } = await server.listen({ host: '127.0.0.1', port: 0 });
    const target: ModelTarget = { host: '127.0.0.1', port, awaitIdle: () => awaitIdle(server, options.timeoutMs ?? 5000) };
    const limits = { maxBadCommands: server.limits.maxBadCommands, maxCommandOctets: server.limits.maxCommandOctets };
    let real: RealSession | undefined;
    return {
      server,
      async setup() {
        real?.client?.destroy();
        const model = new Pop3Model(ACCOUNTS, limits, { password: spec.messages, apop: spec.apopMessages }, spec.kind === 'fixtures');
        real = new RealSession(target, ACCOUNTS, options.timeoutMs ?? 5000);
        // Learn every unique-id first, so a later check can tell exactly which messages are gone.
        await real.verify(model, undefined);
        await real.connect(model.open());
        return { model, real };
      },
      async close() {
        real?.client?.destroy();
        await server.close();
        await cleanup();
      },
    };
  } catch (err) {
    await server.close();
    await cleanup();
    throw err;
  }
}

async function makeStore(spec: MaildropSpec, kind: StoreKind): Promise<{ store: MailStore; cleanup: () => Promise<void> }> {
  if (kind === 'memory') {
    const store = new MemoryStore();
    for (const u of ALL_USERS) store.addUser(u);
    // Delivery times fix the order: message n of the maildrop is spec.messages[n - 1].
    spec.messages.forEach((m, i) => store.deliver(ACCOUNTS.password.user, m, { deliveredAt: new Date((1_700_000_000 + i) * 1000) }));
    spec.apopMessages.forEach((m, i) => store.deliver(ACCOUNTS.apop.user, m, { deliveredAt: new Date((1_700_000_000 + i) * 1000) }));
    return { store, cleanup: async () => undefined };
  }
  const root = await mkdtemp(path.join(os.tmpdir(), 'popcheck-model-'));
  for (const u of ALL_USERS) await createMaildrop(root, u, 'maildir');
  await deliverAll(root, ACCOUNTS.password.user, spec.messages);
  await deliverAll(root, ACCOUNTS.apop.user, spec.apopMessages);
  return { store: new MaildirStore({ root, logger: { warn: () => undefined } }), cleanup: () => rm(root, { recursive: true, force: true }) };
}

/**
 * Delivers as an MTA does (write in tmp/, rename into new/), one second apart: a Maildir name
 * starts with the delivery time, which fixes the order (message n is messages[n - 1]).
 */
async function deliverAll(root: string, user: string, messages: readonly Buffer[]): Promise<void> {
  const dir = path.join(root, user);
  for (const [i, bytes] of messages.entries()) {
    const seconds = 1_700_000_000 + i;
    const name = `${seconds}.M${i + 1}P${process.pid}.model`;
    await writeFile(path.join(dir, 'tmp', name), bytes);
    await utimes(path.join(dir, 'tmp', name), seconds, seconds);
    await rename(path.join(dir, 'tmp', name), path.join(dir, 'new', name));
  }
}

/** Waits, without polling, until the server has no session left (each 'session-end' re-checks). */
export async function awaitIdle(server: Pop3Server, timeoutMs: number): Promise<void> {
  if (server.sessionCount === 0) return;
  const ac = new AbortController();
  const timer = setTimeout(() => ac.abort(), timeoutMs);
  try {
    while (server.sessionCount > 0) await once(server.events, 'session-end', { signal: ac.signal });
  } catch {
    throw new Error(`the server still has ${server.sessionCount} session(s) open after ${timeoutMs} ms`);
  } finally {
    clearTimeout(timer);
  }
}

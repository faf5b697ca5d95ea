/**
 * The bundled reference server as a fuzz target (`popcheck fuzz` without --host, and the tests):
 * in-process on 127.0.0.1, a MemoryStore whose main account holds the fixture messages and one
 * large message (so an abrupt close during RETR interrupts a long answer). Mail removed by the
 * destructive cases is redelivered when the maildrop runs low, so they keep having work.
 */
import { StaticUsers } from '../auth/static-users.js';
import { createServer, type Pop3Server } from '../server/server.js';
import type { ServerLimits } from '../server/config.js';
import { MemoryStore } from '../store/memory-store.js';
import { awaitIdle } from './model/environment.js';
import { fixtureMessages } from './model/maildrop.js';

export interface BundledTarget {
  readonly host: string;
  readonly port: number;
  readonly user: string;
  readonly pass: string;
  readonly server: Pop3Server;
  readonly store: MemoryStore;
  awaitIdle(): Promise<void>;
  close(): Promise<void>;
}

export const BUNDLED_USER = 'alice';
export const BUNDLED_PASS = 'wonderland';

/** About 500 KB: a RETR of it takes many writes, so a close lands mid-answer. */
export function largeMessage(): Buffer {
  return Buffer.from(`Subject: large\r\n\r\n${`${'x'.repeat(76)}\r\n`.repeat(6500)}`, 'latin1');
}

export async function startBundledTarget(limits?: Partial<ServerLimits>): Promise<BundledTarget> {
  const store = new MemoryStore();
  store.addUser(BUNDLED_USER);
  const deliverAll = (): void => {
    for (const m of fixtureMessages()) store.deliver(BUNDLED_USER, m);
    store.deliver(BUNDLED_USER, largeMessage());
  };
  deliverAll();
  const server = createServer({ store, users: new StaticUsers([[BUNDLED_USER, BUNDLED_PASS]]), hostname: 'fuzz.invalid', ...(limits ? { limits } : {}) });
  // Destructive cases remove mail; top the maildrop up between sessions so later cases have some.
  server.events.on('expunged', () => {
    if (store.messagesOf(BUNDLED_USER).length < 3) deliverAll();
  });
  const { port } = await server.listen({ host: '127.0.0.1', port: 0 });
  return {
    host: '127.0.0.1',
    port,
    user: BUNDLED_USER,
    pass: BUNDLED_PASS,
    server,
    store,
    awaitIdle: () => awaitIdle(server, 10_000),
    close: () => server.close(),
  };
}

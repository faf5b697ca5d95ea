/**
 * A private instance of the bundled reference server for @bundled scenarios that need it configured
 * otherwise than the target (a 2-second inactivity timer, a login delay) or failing (a store that
 * cannot open maildrops). It listens on 127.0.0.1 with a free port, holds the fixture messages in
 * memory for the main account, and is closed by the After hook. Loaded on demand, so a run against
 * another server never loads the server's code.
 */
import type { Account } from '../../src/harness/contract.js';
import type { ServerLimits } from '../../src/server/index.js';
import type { MailStore } from '../../src/store/types.js';
import { BASE_SECONDS, loadFixtures } from './fixtures.js';

export type PrivateStore = 'fixtures' | 'fails-temporarily' | 'fails-permanently';

export interface PrivateServer {
  readonly host: string;
  readonly port: number;
  close(): Promise<void>;
}

export async function startPrivateServer(accounts: readonly Account[], limits: Partial<ServerLimits>, kind: PrivateStore): Promise<PrivateServer> {
  const [{ createServer }, { StaticUsers }, { MemoryStore }, { StoreError }] = await Promise.all([
    import('../../src/server/index.js'),
    import('../../src/auth/static-users.js'),
    import('../../src/store/memory-store.js'),
    import('../../src/store/types.js'),
  ]);
  let store: MailStore;
  if (kind === 'fixtures') {
    const memory = new MemoryStore();
    const fixtures = await loadFixtures();
    for (const { user } of accounts) {
      memory.addUser(user);
      for (const f of fixtures) memory.deliver(user, f.stored, { key: `fixture-${f.number}`, deliveredAt: new Date((BASE_SECONDS + f.number) * 1000) });
    }
    store = memory;
  } else {
    // RFC 3206 §4: SYS/TEMP "a central resource which is currently locked or otherwise temporarily
    // unavailable", SYS/PERM "corrupted mailboxes, system configuration errors".
    const code = kind === 'fails-temporarily' ? 'temporary' : 'permanent';
    store = {
      openMaildrop: async () => {
        throw new StoreError(code, `simulated ${code} failure of the store`);
      },
    };
  }
  // No penalty on failed logins: the scenarios fail logins on purpose and must not wait for it.
  const server = createServer({ store, users: new StaticUsers(accounts.map((a) => [a.user, a.pass] as const)), limits, authPenalty: false });
  const { port } = await server.listen({ host: '127.0.0.1', port: 0 });
  return { host: '127.0.0.1', port, close: () => server.close() };
}

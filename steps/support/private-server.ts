/**
 * A private instance of the bundled reference server for @bundled scenarios that need it configured
 * otherwise than the target (a 2-second inactivity timer, a login delay, TLS with cleartext
 * passwords refused without it, users with shared secrets, maildrops holding given messages) or
 * failing (a store that cannot open maildrops). It listens on 127.0.0.1 with a free port, holds
 * the fixture messages in memory for its accounts (or the given ones), and is closed by the After
 * hook. Loaded on demand, so a run against another server
 * never loads the server's code.
 */
import type { Account } from '../../src/harness/contract.js';
import type { ServerLimits } from '../../src/server/index.js';
import type { MailStore } from '../../src/store/types.js';
import { BASE_SECONDS, loadFixtures } from './fixtures.js';

export type PrivateStore = 'fixtures' | 'fails-temporarily' | 'fails-permanently';

export interface PrivateServerOptions {
  readonly limits?: Partial<ServerLimits>;
  readonly store?: PrivateStore;
  /** A self-signed certificate, so STLS (RFC 2595 §4) is offered on the port. */
  readonly tls?: boolean;
  /**
   * Cleartext passwords (USER/PASS, PLAIN, LOGIN) only over TLS, as the server does for a client
   * that is not on loopback (the server option loopbackIsTrusted: false simulates one).
   */
  readonly plaintextOnlyOverTls?: boolean;
  /**
   * The accounts have shared secrets (APOP, CRAM-MD5; RFC 1939 §13) instead of passwords: with no
   * password user at all the server can offer CRAM-MD5 (RFC 2195) to everyone.
   */
  readonly sharedSecrets?: boolean;
  /**
   * Accounts that log in with APOP only (RFC 1939 §13: a server should not allow both for one
   * user), `pass` being the shared secret, beside the password accounts: the run's APOP account.
   */
  readonly apopAccounts?: readonly Account[];
  /**
   * Exact maildrops, by user: message n of a maildrop is the n-th buffer, stored as given (bare LF,
   * a missing final line break and all). Every account the map does not name gets an empty
   * maildrop, so a scenario states everything it relies on. Without it, every account holds the
   * fixture messages.
   */
  readonly maildrops?: ReadonlyMap<string, readonly Buffer[]>;
}

export interface PrivateServer {
  readonly host: string;
  readonly port: number;
  close(): Promise<void>;
}

let certificate: Promise<{ certPem: string; keyPem: string }> | undefined;

/** One self-signed certificate per process (making a key pair takes a moment). */
function testCertificate(): Promise<{ certPem: string; keyPem: string }> {
  certificate ??= import('../../src/tls/self-signed.js').then(({ createSelfSignedCertificate }) => createSelfSignedCertificate(['localhost', '127.0.0.1']));
  return certificate;
}

export async function startPrivateServer(accounts: readonly Account[], options: PrivateServerOptions = {}): Promise<PrivateServer> {
  const [{ createServer }, { StaticUsers }, { MemoryStore }, { StoreError }] = await Promise.all([
    import('../../src/server/index.js'),
    import('../../src/auth/static-users.js'),
    import('../../src/store/memory-store.js'),
    import('../../src/store/types.js'),
  ]);
  const kind = options.store ?? 'fixtures';
  let store: MailStore;
  const apopAccounts = options.apopAccounts ?? [];
  if (kind === 'fixtures') {
    const memory = new MemoryStore();
    const fixtures = await loadFixtures();
    for (const { user } of [...accounts, ...apopAccounts]) {
      memory.addUser(user);
      const given = options.maildrops;
      // Delivery times one second apart fix the order: message n is the n-th one delivered.
      if (given) given.get(user)?.forEach((bytes, i) => memory.deliver(user, bytes, { key: `given-${i + 1}`, deliveredAt: new Date((BASE_SECONDS + i + 1) * 1000) }));
      else for (const f of fixtures) memory.deliver(user, f.stored, { key: `fixture-${f.number}`, deliveredAt: new Date((BASE_SECONDS + f.number) * 1000) });
    }
    for (const user of options.maildrops?.keys() ?? []) {
      if (![...accounts, ...apopAccounts].some((a) => a.user === user)) throw new Error(`step error: a maildrop was given for ${user}, who has no account on the private server`);
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
  const entries = accounts.map((a) => [a.user, a.pass] as const);
  const apopEntries = apopAccounts.map((a) => [a.user, a.pass] as const);
  const users = options.sharedSecrets ? new StaticUsers([], { apopUsers: [...entries, ...apopEntries] }) : new StaticUsers(entries, { apopUsers: apopEntries });
  const cert = options.tls ? await testCertificate() : undefined;
  const server = createServer({
    store,
    users,
    limits: options.limits ?? {},
    // No penalty on failed logins: the scenarios fail logins on purpose and must not wait for it.
    authPenalty: false,
    ...(cert ? { tls: { cert: cert.certPem, key: cert.keyPem } } : {}),
    ...(options.plaintextOnlyOverTls ? { loopbackIsTrusted: false, allowPlaintext: false } : {}),
  });
  const { port } = await server.listen({ host: '127.0.0.1', port: 0 });
  return { host: '127.0.0.1', port, close: () => server.close() };
}

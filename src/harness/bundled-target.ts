/**
 * The bundled reference server as a conformance target: in-process, on 127.0.0.1 (and ::1) with
 * a free port, over a fresh temporary root with empty Maildirs for alice and bob. The run may write
 * fixtures and delete messages there, because the whole root is removed afterwards.
 */
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { StaticUsers } from '../auth/static-users.js';
import { createServer } from '../server/index.js';
import { MaildirStore } from '../store/maildir-store.js';
import type { Account, WorldParameters } from './contract.js';

export interface RunningTarget {
  /** The target part of the world parameters (everything but the timeout). */
  readonly world: Omit<WorldParameters, 'timeoutMs'>;
  stop(): Promise<void>;
}

export const BUNDLED_ACCOUNTS: readonly [Account, Account] = [
  { user: 'alice', pass: 'wonderland' },
  { user: 'bob', pass: 'builder' },
];
/** An APOP-only account (RFC 1939 §13), its shared secret as `pass`. */
export const BUNDLED_APOP_ACCOUNT: Account = { user: 'dave', pass: 'tanstaaf' };

export async function startBundledTarget(): Promise<RunningTarget> {
  const root = await mkdtemp(path.join(os.tmpdir(), 'popcheck-conformance-'));
  try {
    for (const { user } of [...BUNDLED_ACCOUNTS, BUNDLED_APOP_ACCOUNT]) {
      for (const sub of ['cur', 'new', 'tmp']) await mkdir(path.join(root, user, sub), { recursive: true });
    }
    const server = createServer({
      store: new MaildirStore({ root }),
      users: new StaticUsers(
        BUNDLED_ACCOUNTS.map((a) => [a.user, a.pass] as const),
        { apopUsers: [[BUNDLED_APOP_ACCOUNT.user, BUNDLED_APOP_ACCOUNT.pass]] },
      ),
      // The suite fails logins on purpose, many times, from 127.0.0.1: an anti-brute-force delay
      // is policy, not POP3, and would only slow the run (as with the Dovecot peer's settings).
      authPenalty: false,
    });
    const { port } = await server.listen({ host: '127.0.0.1', port: 0 });
    // The same port on IPv6 loopback too, as the seed's dual-stack server did (a scenario checks
    // both families); still loopback only. Hosts without IPv6 simply do not get it.
    await server.listen({ host: '::1', port }).catch(() => undefined);
    const [account, account2] = BUNDLED_ACCOUNTS;
    return {
      world: {
        host: '127.0.0.1',
        port,
        tls: 'none',
        tlsInsecure: false,
        account,
        account2,
        apopAccount: BUNDLED_APOP_ACCOUNT,
        fixtures: { kind: 'maildir', path: path.join(root, account.user) },
        destructive: true,
        bundled: true,
      },
      stop: async () => {
        try {
          await server.close();
        } finally {
          await rm(root, { recursive: true, force: true });
        }
      },
    };
  } catch (err) {
    await rm(root, { recursive: true, force: true });
    throw err;
  }
}

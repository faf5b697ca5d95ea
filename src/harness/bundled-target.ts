/**
 * The bundled reference server as a conformance target: in-process, on 127.0.0.1 (and ::1) with
 * a free port, over a fresh temporary root with empty Maildirs for alice and bob. The run may write
 * fixtures and delete messages there, because the whole root is removed afterwards.
 *
 * It always has a self-signed certificate (made in the root), so STLS is announced and usable; with
 * `tls: 'implicit'` it also listens with implicit TLS (RFC 8314) and the run uses that port. And it
 * always has its management plane (docs/manager-protocol.txt) on 127.0.0.1/udp with a token in the
 * root, so the @manager scenarios run; STOP (the last scenario the runner runs) stops the server.
 *
 * Layout of the root: mail/<user>/ (the maildrops), tls/ (certificate and key), manager.token.
 */
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { StaticUsers } from '../auth/static-users.js';
import { userAdminFor } from '../cli/user-admin.js';
import { startManagementPlane, type ManagementPlane } from '../manager/plane.js';
import { loadOrCreateToken } from '../manager/token.js';
import { createServer, type Pop3Server } from '../server/index.js';
import { MaildirStore } from '../store/maildir-store.js';
import { ensureSelfSignedCertificate } from '../tls/self-signed.js';
import type { Account, TlsMode, WorldParameters } from './contract.js';

export interface RunningTarget {
  /** The target part of the world parameters (everything but the timeout). */
  readonly world: Omit<WorldParameters, 'timeoutMs'>;
  /**
   * Parameters that replace the world's for the @manager scenarios. The bundled server gives them
   * its plain port: they test the manager, and their steps open plain POP3 sessions on host:port
   * (for counters and logins), which cannot work on an implicit-TLS port.
   */
  readonly managerWorld?: Partial<WorldParameters> | undefined;
  stop(): Promise<void>;
}

export interface BundledOptions {
  /** How the run talks to it: plain, STLS on the plain port, or its implicit-TLS port. Default none. */
  readonly tls?: TlsMode;
  /** Start the management plane (default true). */
  readonly manager?: boolean;
}

export const BUNDLED_ACCOUNTS: readonly [Account, Account] = [
  { user: 'alice', pass: 'wonderland' },
  { user: 'bob', pass: 'builder' },
];
/** An APOP-only account (RFC 1939 §13), its shared secret as `pass`. */
export const BUNDLED_APOP_ACCOUNT: Account = { user: 'dave', pass: 'tanstaaf' };

export async function startBundledTarget(options: BundledOptions = {}): Promise<RunningTarget> {
  const tls = options.tls ?? 'none';
  const root = await mkdtemp(path.join(os.tmpdir(), 'popcheck-conformance-'));
  const mailRoot = path.join(root, 'mail');
  let server: Pop3Server | undefined;
  let plane: ManagementPlane | undefined;
  const stop = async (): Promise<void> => {
    try {
      await server?.close();
      await plane?.close();
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  };
  try {
    for (const { user } of [...BUNDLED_ACCOUNTS, BUNDLED_APOP_ACCOUNT]) {
      for (const sub of ['cur', 'new', 'tmp']) await mkdir(path.join(mailRoot, user, sub), { recursive: true });
    }
    const certificate = await ensureSelfSignedCertificate(path.join(root, 'tls'));
    const users = new StaticUsers(
      BUNDLED_ACCOUNTS.map((a) => [a.user, a.pass] as const),
      { apopUsers: [[BUNDLED_APOP_ACCOUNT.user, BUNDLED_APOP_ACCOUNT.pass]] },
    );
    const pop3 = createServer({
      store: new MaildirStore({ root: mailRoot }),
      users,
      tls: { cert: certificate.material.cert, key: certificate.material.key },
      // The suite fails logins on purpose, many times, from 127.0.0.1: an anti-brute-force delay
      // is policy, not POP3, and would only slow the run (as with the Dovecot peer's settings).
      authPenalty: false,
    });
    server = pop3;
    let manager: Pick<WorldParameters, 'managerHost' | 'managerPort' | 'managerToken' | 'managerAllowStop'> = {};
    if (options.manager !== false) {
      // Before the POP3 side listens, so the metrics see every session (as `popcheck server` does).
      const logger = pino({ level: 'silent' });
      const tokenFile = path.join(root, 'manager.token');
      const { token } = await loadOrCreateToken(tokenFile);
      plane = await startManagementPlane({
        server: pop3,
        users: userAdminFor(users, mailRoot, logger),
        // STOP: the POP3 server stops accepting and ends its sessions; stop() below finishes the rest.
        stop: () => void pop3.close(),
        manager: { host: '127.0.0.1', port: 0, tokenFile },
        logger,
      });
      manager = { managerHost: '127.0.0.1', managerPort: plane.managerAddress!.port, managerToken: token, managerAllowStop: true };
    }
    const plain = await pop3.listen({ host: '127.0.0.1', port: 0 });
    // The same port on IPv6 loopback too, as the seed's dual-stack server did (a scenario checks
    // both families); still loopback only. Hosts without IPv6 simply do not get it.
    await pop3.listen({ host: '::1', port: plain.port }).catch(() => undefined);
    let port = plain.port;
    if (tls === 'implicit') {
      port = (await pop3.listen({ host: '127.0.0.1', port: 0, implicitTls: true })).port;
      await pop3.listen({ host: '::1', port, implicitTls: true }).catch(() => undefined);
    }
    const [account, account2] = BUNDLED_ACCOUNTS;
    return {
      world: {
        host: '127.0.0.1',
        port,
        tls,
        // The certificate is self-signed: nothing could verify it.
        tlsInsecure: true,
        account,
        account2,
        apopAccount: BUNDLED_APOP_ACCOUNT,
        fixtures: { kind: 'maildir', path: path.join(mailRoot, account.user) },
        destructive: true,
        bundled: true,
        ...manager,
      },
      ...(tls !== 'none' && options.manager !== false ? { managerWorld: { port: plain.port, tls: 'none' as const } } : {}),
      stop,
    };
  } catch (err) {
    await stop().catch(() => undefined);
    throw err;
  }
}

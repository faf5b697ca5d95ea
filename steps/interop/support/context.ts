/**
 * The interop World: what one scenario owns (a temp folder, the reference server process, client
 * runs). It hangs off cucumber's world object under a symbol instead of being installed with
 * setWorldConstructor, because that call is global: if the conformance suite's steps and these
 * were ever loaded into one cucumber run, two world constructors would clobber each other.
 */
import type { ServerProcess } from '../../../src/cli/testing/server-process.js';
import type { ClientRun } from './clients.js';
import type { Login } from './pop3.js';

/** USER/PASS users (`-u`): the demo's alice, bob and carol. They have no APOP secret. */
export const INTEROP_USERS: ReadonlyArray<readonly [string, string]> = [
  ['alice', 'wonderland'],
  ['bob', 'builder'],
  ['carol', 'songbird'],
];

/**
 * APOP-only users (`--apop-user`): the demo's dave (fixtures/demo/apop-users.txt). RFC 1939 §13:
 * the server refuses USER/PASS for them; they log in with APOP (or CRAM-MD5 where announced).
 */
export const INTEROP_APOP_USERS: ReadonlyArray<readonly [string, string]> = [['dave', 'tanstaaf']];

/** The TLS side of a scenario's server, when it was started with a certificate. */
export interface InteropTls {
  /** The self-signed certificate (PEM) the clients are told to trust; it names localhost, 127.0.0.1 and ::1. */
  readonly certPath: string;
  readonly keyPath: string;
  /** SHA-256 fingerprint, colon hex, as the server's banner prints it. */
  readonly fingerprint: string;
  /** The implicit-TLS port (RFC 8314); the plain port (STLS, RFC 2595) is `port`. */
  readonly port: number;
}

export class InteropWorld {
  /** The scenario's temp folder: maildrops/, home/, client output folders. */
  root = '';
  /** The server's mail root (a fresh copy of fixtures/demo/maildrops). */
  mailRoot = '';
  server: ServerProcess | undefined;
  /** Set when the server runs with a certificate (STLS on `port`, implicit TLS on `tls.port`). */
  tlsInfo: InteropTls | undefined;
  /** Client runs by a label the steps choose ("curl 1", "fetchmail run 2", ...). */
  readonly runs = new Map<string, ClientRun>();
  /** Folder each delivering client wrote its messages to, by client name. */
  readonly deliveries = new Map<string, string>();
  /** Things to undo after the scenario, last first. */
  readonly cleanups: Array<() => Promise<void>> = [];

  /** The plain port: plaintext POP3, and STLS when the server has a certificate. */
  get port(): number {
    if (!this.server) throw new Error('no interop reference server is running in this scenario');
    return this.server.port;
  }

  get tls(): InteropTls {
    if (!this.tlsInfo) throw new Error('the interop reference server of this scenario runs without TLS');
    return this.tlsInfo;
  }

  /** True for an APOP-only user (logs in with APOP, never USER/PASS). */
  isApopUser(user: string): boolean {
    return INTEROP_APOP_USERS.some(([u]) => u === user);
  }

  /** The password of a USER/PASS user or the shared secret of an APOP user. */
  password(user: string): string {
    const entry = [...INTEROP_USERS, ...INTEROP_APOP_USERS].find(([u]) => u === user);
    if (!entry) throw new Error(`no interop user ${user}`);
    return entry[1];
  }

  /** How the project's own client logs in as `user`: USER/PASS, or APOP for an APOP-only user. */
  login(user: string): Login {
    return { user, secret: this.password(user), apop: this.isApopUser(user) };
  }

  run(label: string): ClientRun {
    const r = this.runs.get(label);
    if (!r) throw new Error(`no client run labelled "${label}" in this scenario`);
    return r;
  }
}

const KEY = Symbol.for('popcheck.interop.world');

export function attachInterop(world: object): InteropWorld {
  const w = new InteropWorld();
  (world as Record<symbol, unknown>)[KEY] = w;
  return w;
}

/** The scenario's InteropWorld; throws when the scenario is not tagged @interop. */
export function interop(world: object): InteropWorld {
  const w = (world as Record<symbol, unknown>)[KEY];
  if (!(w instanceof InteropWorld)) throw new Error('interop steps need a scenario tagged @interop');
  return w;
}

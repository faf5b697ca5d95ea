/**
 * What a command handler may see and do: the session's state and view, the store and users,
 * and the login step. Handlers never touch the socket.
 */
import type { Logger } from 'pino';
import type { SaslExchange, SaslMechanism } from '../auth/sasl/index.js';
import type { UserDirectory } from '../auth/types.js';
import type { MailStore } from '../store/types.js';
import type { ServerLimits } from './config.js';
import type { MaildropView } from './maildrop-view.js';
import type { Pop3Error } from './pop3-error.js';
import type { SessionState } from './session-state.js';

export interface ServerIdentity {
  /** Host name shown in the greeting and the APOP timestamp. */
  readonly hostname: string;
  /** IMPLEMENTATION capability text (RFC 2449 §6.9). */
  readonly implementation: string;
}

export interface SessionContext {
  readonly state: SessionState;
  readonly view: MaildropView | undefined;
  readonly users: UserDirectory;
  readonly store: MailStore;
  readonly limits: Readonly<ServerLimits>;
  readonly identity: ServerIdentity;
  readonly log: Logger;
  /** RFC 1939 §7 APOP: the timestamp sent in the greeting, e.g. "<1896.697170952@dbc.mtview.ca.us>". */
  readonly apopTimestamp: string;
  /** The name from a successful USER, cleared by any other command (PASS must follow at once). */
  pendingUser: string | undefined;
  /** The connection is encrypted (implicit TLS, or after STLS). */
  readonly secure: boolean;
  /** The server can start TLS (it has a certificate). */
  readonly tlsAvailable: boolean;
  /** Cleartext passwords (USER/PASS, PLAIN, LOGIN) are accepted on this connection. */
  readonly plaintextAllowed: boolean;
  /**
   * Opens the user's maildrop after the credentials were checked (RFC 1939 §4): applies
   * LOGIN-DELAY, takes the lock. Returns a Pop3Error ([IN-USE], [LOGIN-DELAY], [SYS/...]) or undefined.
   */
  openMaildrop(user: string): Promise<Pop3Error | undefined>;
  /** Counts a failed authentication (metrics, the per-address penalty). */
  authFailed(user: string | undefined): void;
  /**
   * Counts this session against the user's session limit (USER, APOP, AUTH); returns the error
   * (and the session closes after it) when the user has too many.
   */
  claimUser(user: string): Pop3Error | undefined;
  /**
   * Call before checking credentials (PASS, APOP, AUTH): waits out the per-address penalty, or
   * returns the error when the address is locked out.
   */
  beforeCredentials(): Promise<Pop3Error | undefined>;
  /** SASL mechanisms usable on this connection (RFC 5034; plaintext ones only where allowed). */
  saslMechanisms(): readonly SaslMechanism[];
  /** Routes the following client lines to this exchange (RFC 5034 §4). */
  beginSasl(exchange: SaslExchange): void;
  endSasl(): void;
}

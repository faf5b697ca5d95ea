/**
 * What the management plane needs from the rest of the server, as interfaces the server start-up
 * implements (src/cli/server-command.ts): user administration, runtime settings, metrics, stop.
 * The manager depends on nothing else, so it can be tested with in-memory fakes.
 */
import type { Logger } from 'pino';

/** User administration behind USERS, ADD and DEL (spec §5.2-§5.4). */
export interface UserAdmin {
  /** Names of the users who may log in. Never secrets. */
  listUsers(): Promise<string[]>;
  /**
   * Adds a user durably (e.g. writes the users file atomically) and creates the user's maildrop
   * if missing. The manager has already checked the name and that the user does not exist; it may
   * throw ManagerError('EXISTS', ...) if it learns otherwise, any other error becomes [SYS].
   */
  addUser(user: string, password: string): Promise<void>;
  /** Removes a user durably; keeps the maildrop. May throw ManagerError('NO-USER', ...). */
  removeUser(user: string): Promise<void>;
}

/** Runtime settings behind GET and SET (spec §5.9, §5.10, §6). See settings.ts for the server's. */
export interface RuntimeSettings {
  /** The names, in the order GET lists them; lower case. */
  names(): readonly string[];
  /** The value as sent on the wire, or undefined for an unknown name. */
  get(name: string): string | undefined;
  /** Applies a value; returns a message for -ERR [BAD-VALUE] (the setting unchanged), or undefined. */
  set(name: string, value: string): string | undefined | Promise<string | undefined>;
}

/** Counters of spec §8.1, at one instant. */
export interface MetricsSnapshot {
  /** Seconds since this process started. */
  readonly uptimeSeconds: number;
  /** When the counters began (they survive restarts), ms since the epoch. */
  readonly since: number;
  readonly sessionsCurrent: number;
  readonly sessionsTotal: number;
  readonly bytesSent: number;
  readonly messagesRetrieved: number;
  readonly messagesDeleted: number;
  readonly authFailures: number;
  readonly logins: number;
  /** POP3 commands by verb as the server reports it ("RETR", "(unknown)", ...). */
  readonly commands: Readonly<Record<string, number>>;
}

export interface MetricsSource {
  snapshot(): MetricsSnapshot;
}

/** Options of createManagerServer (manager-server.ts). */
export interface ManagerServerOptions {
  readonly users: UserAdmin;
  readonly settings: RuntimeSettings;
  readonly metrics: MetricsSource;
  /** Stops the whole server, as SIGTERM does; called after STOP's reply is sent. */
  stop(): void;
  /** The shared secret (token.ts); its octets are the HMAC key. */
  readonly token: string;
  /** pino logger; default silent. */
  readonly logger?: Logger;
  /** Wall clock in ms since the epoch; injectable for tests. Default Date.now. */
  readonly clock?: () => number;
  /** IMPLEMENTATION line of CAPA; default popcheck-<version>. */
  readonly implementation?: string;
}

/**
 * Response codes of spec §7. The unauthenticated ones are produced by the request pipeline only;
 * handlers and hooks use the others.
 */
export type ErrorCode =
  | 'TOO-BIG'
  | 'MALFORMED'
  | 'AUTH'
  | 'AUTH/STALE'
  | 'AUTH/REPLAY'
  | 'BUSY'
  | 'SYNTAX'
  | 'EXISTS'
  | 'NO-USER'
  | 'NO-SETTING'
  | 'BAD-VALUE'
  | 'SYS';

/** A hook may throw this to answer with a specific code instead of [SYS]. */
export class ManagerError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'ManagerError';
  }
}

/** What a command handler answers: the status line's text, and lines for a multi-line reply. */
export type Reply =
  | { readonly ok: true; readonly text: string; readonly lines?: readonly string[] }
  | { readonly ok: false; readonly code: ErrorCode; readonly text: string };

export const ok = (text: string, lines?: readonly string[]): Reply => (lines ? { ok: true, text, lines } : { ok: true, text });
export const err = (code: ErrorCode, text: string): Reply => ({ ok: false, code, text });
